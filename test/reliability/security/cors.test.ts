// CORS as a browser app on an allowed origin sees it: preflights answered without a key, every
// answer (errors included) readable by that origin, the headers clients read exposed; other
// origins refused with 403; loopback pages accepted only while the server is bound to loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { buildApp } from '../../../src/app.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

const ALLOWED = 'https://agent.example.com';
const KEY = 'cors-test-key-0123456789';
const KEYS: ApiKey[] = [{ name: 'app', key: KEY, sources: null, rateLimitPerMinute: 0 }];
const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
const MCP_HEADERS = 'authorization, content-type, accept, mcp-protocol-version, mcp-method, mcp-name, last-event-id, mcp-session-id, x-api-key';

function scripted(): ScriptedConnector {
  return new ScriptedConnector({ name: 'handbook', ranking: 'match', documents: [{ id: 'a', title: 'Deploy', text: 'deploy' }] });
}

function preflight(url: string, path: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': MCP_HEADERS },
  });
}

function expectReadableBy(response: Response, origin: string): void {
  expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
  const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase();
  for (const name of ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate', 'x-request-id', 'retry-after']) expect(exposed).toContain(name);
}

describe('CORS on a server with keys', () => {
  let exposed: AssembledService;
  let loopback: AssembledService;
  beforeAll(async () => {
    exposed = await startAssembledService({
      sources: [{ connector: scripted(), config: sourceConfig() }],
      allowedOrigins: [ALLOWED],
      host: '0.0.0.0',
      keys: KEYS,
    });
    loopback = await startAssembledService({ sources: [{ connector: scripted(), config: sourceConfig() }], allowedOrigins: [ALLOWED], keys: KEYS });
  });
  afterAll(async () => {
    await exposed?.close();
    await loopback?.close();
  });

  it.each(['/mcp', '/status.json', '/api/search'])('answers a preflight for %s from an allowed origin with 204, without a key', async (path) => {
    const response = await preflight(exposed.url, path, ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const name of MCP_HEADERS.split(', ')) expect(allowed).toContain(name);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('lets the allowed origin read the answer, and a 401 with its challenge', async () => {
    const ok = await fetch(`${exposed.url}/mcp`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json', 'x-api-key': KEY },
      body: PING,
    });
    expect(ok.status).toBe(200);
    expectReadableBy(ok, ALLOWED);
    const refused = await fetch(`${exposed.url}/mcp`, { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'application/json' }, body: PING });
    expect(refused.status).toBe(401);
    expectReadableBy(refused, ALLOWED);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const koaRoute = await fetch(`${exposed.url}/metrics`, { headers: { origin: ALLOWED } });
    expect(koaRoute.status).toBe(401);
    expectReadableBy(koaRoute, ALLOWED);
  });

  it('refuses preflights and requests from other origins with 403, with no CORS headers', async () => {
    for (const service of [exposed, loopback]) {
      const response = await preflight(service.url, '/mcp', 'https://evil.example');
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: PING,
      });
      expect(post.status).toBe(403);
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('accepts loopback pages only while bound to loopback', async () => {
    const local = 'http://localhost:5173';
    const fromLoopbackServer = await preflight(loopback.url, '/mcp', local);
    expect(fromLoopbackServer.status).toBe(204);
    expect(fromLoopbackServer.headers.get('access-control-allow-origin')).toBe(local);
    const fromExposedServer = await preflight(exposed.url, '/mcp', local);
    expect(fromExposedServer.status).toBe(403);
    const post = await fetch(`${exposed.url}/mcp`, {
      method: 'POST',
      headers: { origin: local, 'content-type': 'application/json', 'x-api-key': KEY },
      body: PING,
    });
    expect(post.status).toBe(403);
  });

  it('still refuses OPTIONS that is not a preflight like any other method', async () => {
    const response = await fetch(`${exposed.url}/mcp`, { method: 'OPTIONS', headers: { origin: ALLOWED } });
    expect(response.status).toBe(401);
    expectReadableBy(response, ALLOWED);
  });
});

describe('CORS on a rate-limited answer', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const app = buildApp({
      config: {
        host: '127.0.0.1',
        auth: { mode: 'apikey', keys: [] },
        allowedOrigins: [ALLOWED],
        bodyLimitBytes: 1 << 20,
        trustProxy: false,
        rateLimitPerMinute: 1,
      },
      service: createFakeSearchService(),
      logger: createLogger('silent'),
      metrics: createMetrics({ defaultMetrics: false }),
      readiness: async () => ({ ready: true, sources: [], cache: { kind: 'memory', degraded: false } }),
      rateLimiter: { consume: async () => ({ allowed: false, retryAfterSeconds: 7 }) },
    });
    server = await startServer(app, { host: '127.0.0.1', port: 0, tls: null, shutdownTimeoutMs: 1000 }, createLogger('silent'));
  });
  afterAll(() => server?.close());

  it('lets the page read the 429 and its Retry-After', async () => {
    const response = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'application/json' }, body: PING });
    expect(response.status).toBe(429);
    expectReadableBy(response, ALLOWED);
    expect(response.headers.get('retry-after')).toBe('7');
  });
});
