// The HTTP edge against hostile clients: Origin checks (DNS rebinding), the body limit (413),
// the header size limit (431), and slow clients that trickle headers or a body, which must be
// cut off within the configured timeouts while everyone else is served.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { createLogger } from '../../../src/logger.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { assembleTestApp } from '../../helpers/start-test-app.js';
import { postMcp } from '../helpers/mcp.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
const ALLOWED = 'https://agent.example.com';

function scripted(): ScriptedConnector {
  return new ScriptedConnector({ name: 'handbook', ranking: 'match', documents: [{ id: 'a', title: 'Deploy', text: 'deploy' }] });
}

describe('Origin checks', () => {
  let loopback: AssembledService;
  let exposed: AssembledService;
  beforeAll(async () => {
    loopback = await startAssembledService({ sources: [{ connector: scripted(), config: sourceConfig() }], allowedOrigins: [ALLOWED] });
    exposed = await startAssembledService({
      sources: [{ connector: scripted(), config: sourceConfig() }],
      allowedOrigins: [ALLOWED],
      host: '0.0.0.0',
      keys: [],
    });
  });
  afterAll(async () => {
    await loopback?.close();
    await exposed?.close();
  });

  const accepted = [undefined, 'http://localhost:5173', 'http://127.0.0.1:9999', 'http://[::1]:3000', ALLOWED, 'HTTPS://AGENT.EXAMPLE.COM', `${ALLOWED}/`];
  const refused = [
    'https://evil.example',
    'null',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'https://agent.example.com.evil.io',
    'https://agent.example.com:8443',
    'http://agent.example.com',
    'file://',
    'chrome-extension://abcdefghijklmnop',
    'https://user@agent.example.com',
    'not a url at all',
  ];

  it.each(accepted.map((origin) => [origin ?? '(none)', origin]))('accepts Origin %s', async (_label, origin) => {
    for (const path of ['/mcp', '/metrics']) {
      const response = await fetch(`${loopback.url}${path}`, {
        method: path === '/mcp' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        ...(path === '/mcp' ? { body: PING } : {}),
      });
      expect(response.status, path).toBe(200);
    }
  });

  it.each(refused)('refuses Origin %s with 403 and a JSON-RPC error, on every route', async (origin) => {
    for (const service of [loopback, exposed]) {
      for (const [method, path] of [
        ['POST', '/mcp'],
        ['GET', '/metrics'],
        ['GET', '/mcp'],
        ['GET', '/readyz'],
      ] as const) {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { origin, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: PING } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32003 } });
      }
    }
  });
});

/** Writes raw bytes and resolves what came back and when the server closed the socket. */
function rawExchange(
  url: string,
  chunks: Array<string | Buffer>,
  options: { everyMs?: number; timeoutMs?: number } = {},
): Promise<{ response: string; closedAfterMs: number; sent: number }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const started = performance.now();
    let response = '';
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | null = null;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server kept the socket open for ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (data) => (response += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (timer) clearInterval(timer);
      clearTimeout(guard);
      resolve({ response, closedAfterMs: performance.now() - started, sent });
    });
    socket.on('connect', () => {
      if (!options.everyMs) {
        for (const chunk of chunks) socket.write(chunk);
        sent = chunks.length;
        return;
      }
      timer = setInterval(() => {
        if (sent >= chunks.length || socket.destroyed) return;
        socket.write(chunks[sent]!);
        sent += 1;
      }, options.everyMs);
    });
  });
}

describe('size limits', () => {
  let service: AssembledService;
  beforeAll(async () => {
    service = await startAssembledService({ sources: [{ connector: scripted(), config: sourceConfig() }], bodyLimitBytes: 64 * 1024 });
  });
  afterAll(() => service?.close());

  it('answers 413 with a JSON-RPC error for a body over the limit, whether declared or streamed', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_documents', arguments: { query: 'x'.repeat(70 * 1024) } },
    });
    const declared = await postMcp(service.url, big);
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32004 } });
    // Chunked, no content-length: counted while read.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(8 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('refuses at once a request declaring a huge body, without waiting for it', async () => {
    const { response, closedAfterMs } = await rawExchange(
      service.url,
      [`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n{`],
      { timeoutMs: 5000 },
    );
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(closedAfterMs).toBeLessThan(2000);
  });

  it('accepts a body right at the limit', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: '' } });
    const padded = body.replace('"pad":""', `"pad":"${'p'.repeat(64 * 1024 - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(64 * 1024);
    expect((await postMcp(service.url, padded)).status).toBe(200);
  });

  it('answers 431 to headers over 16 KB and keeps serving', async () => {
    const { response } = await rawExchange(service.url, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${'c'.repeat(20 * 1024)}\r\n\r\n`], {
      timeoutMs: 5000,
    });
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});

describe('slow clients', () => {
  const logger = createLogger('silent');
  // The app as `serve` assembles it; these tests listen with their own timeouts.
  const app = async () => (await assembleTestApp({ service: createFakeSearchService() })).app;
  const checkingInterval = (server: RunningServer): number | undefined => {
    // Node enforces headersTimeout/requestTimeout on this timer (its own default: every 30 s).
    const symbol = Object.getOwnPropertySymbols(server.server).find((s) => s.description === 'http.server.connectionsCheckingInterval');
    return symbol ? (server.server as unknown as Record<symbol, { _idleTimeout?: number }>)[symbol]?._idleTimeout : undefined;
  };

  it('sets header, request and keep-alive timeouts, enforced within a second of their value', async () => {
    const server = await startServer(await app(), { host: '127.0.0.1', port: 0, tls: null, shutdownTimeoutMs: 1000 }, logger);
    try {
      const { headersTimeout, requestTimeout, keepAliveTimeout } = server.server;
      expect(headersTimeout).toBeGreaterThan(0);
      expect(headersTimeout).toBeLessThanOrEqual(10_000);
      expect(requestTimeout).toBeGreaterThan(0);
      expect(requestTimeout).toBeLessThanOrEqual(30_000);
      expect(keepAliveTimeout).toBeLessThanOrEqual(10_000);
      // With Node's default 30 s checking interval a 10 s header timeout holds a socket up to 40 s.
      expect(checkingInterval(server)).toBeLessThanOrEqual(1000);
    } finally {
      await server.close();
    }
  });

  describe('cut off within short configured bounds', () => {
    const timeouts = { headersMs: 600, requestMs: 1200, keepAliveMs: 400, checkIntervalMs: 100 };
    let server: RunningServer;
    let honoured = false;
    // Fail fast (rather than after the 8 s socket guards) if the timeouts were not applied.
    const requireTimeouts = () => expect(honoured, 'startServer must apply config.httpTimeouts').toBe(true);
    beforeAll(async () => {
      server = await startServer(await app(), { host: '127.0.0.1', port: 0, tls: null, shutdownTimeoutMs: 1000, httpTimeouts: timeouts }, logger);
      honoured = server.server.headersTimeout === timeouts.headersMs;
    });
    afterAll(() => server?.close());

    it('honours the configured timeouts', () => {
      expect(server.server.headersTimeout).toBe(timeouts.headersMs);
      expect(server.server.requestTimeout).toBe(timeouts.requestMs);
      expect(checkingInterval(server)).toBe(timeouts.checkIntervalMs);
    });

    it('closes sockets that trickle their headers byte by byte, while serving everyone else', async () => {
      requireTimeouts();
      const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'s'.repeat(500)}`;
      const slow = Array.from({ length: 30 }, () => rawExchange(server.url, [...head], { everyMs: 40, timeoutMs: 8000 }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = performance.now();
      const answer = await postMcp(server.url, PING);
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(500);
      for (const result of await Promise.all(slow)) {
        expect(result.response).toMatch(/^HTTP\/1\.1 408 |^$/);
        expect(result.closedAfterMs).toBeGreaterThanOrEqual(timeouts.headersMs - 50);
        expect(result.closedAfterMs).toBeLessThan(timeouts.headersMs + timeouts.checkIntervalMs + 400);
        expect(result.sent).toBeLessThan(head.length);
      }
    });

    it('closes sockets that trickle their body after quick headers', async () => {
      requireTimeouts();
      const headers = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n`;
      const result = await rawExchange(server.url, [headers, ...'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"'.split(''), ...'p'.repeat(1900)], {
        everyMs: 40,
        timeoutMs: 8000,
      });
      expect(result.closedAfterMs).toBeGreaterThanOrEqual(timeouts.requestMs - 50);
      expect(result.closedAfterMs).toBeLessThan(timeouts.requestMs + timeouts.checkIntervalMs + 400);
    });

    it('closes idle keep-alive sockets after the keep-alive timeout', async () => {
      requireTimeouts();
      const result = await rawExchange(server.url, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`], { timeoutMs: 5000 });
      expect(result.response).toMatch(/^HTTP\/1\.1 200 /);
      // Node adds a fixed 1 s to the keep-alive timeout on the socket (so clients see the header's value first).
      expect(result.closedAfterMs).toBeLessThan(timeouts.keepAliveMs + 1000 + 500);
    });
  });
});
