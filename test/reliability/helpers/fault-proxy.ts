// An HTTP proxy in front of a backend double that misbehaves on command: answers garbage (cut-off
// JSON, the wrong JSON shape, an HTML page), resets the connection, hangs, or answers slowly.
// Upstream status and headers are kept (e.g. Elasticsearch's product header), so a client gets
// past its own checks and meets the fault where a real broken backend would put it.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  /** The upstream answer cut in half: invalid JSON with a valid content-length. */
  | { kind: 'truncated-json' }
  /** Valid JSON of a shape the client does not expect. */
  | { kind: 'wrong-shape'; body: unknown }
  /** A 200 HTML page, as a captive portal or a misrouted load balancer serves. */
  | { kind: 'html' }
  /** The socket is destroyed as soon as the request arrives (ECONNRESET / socket hang up). */
  | { kind: 'reset' }
  /** Headers sent, then the connection dies half-way through the body. */
  | { kind: 'reset-mid-body' }
  /** Never answers (until the client gives up). */
  | { kind: 'hang' }
  | { kind: 'slow'; delayMs: number };

export interface FaultProxy {
  url: string;
  /** Requests that reached the proxy, by path. */
  readonly seen: string[];
  /** Applies `fault` to requests whose path matches `when` (default: all); others pass. */
  inject(fault: Fault, when?: RegExp): void;
  heal(): void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function withBody(res: ServerResponse, upstream: Upstream, body: Buffer, contentType?: string): void {
  const headers: Upstream['headers'] = { ...upstream.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  delete headers['content-encoding'];
  if (contentType) headers['content-type'] = contentType;
  res.writeHead(upstream.status, headers);
  res.end(body);
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const target = new URL(upstreamUrl);
  let fault: Fault = { kind: 'pass' };
  let when: RegExp | null = null;
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    seen.push(path);
    const active: Fault = when === null || when.test(path) ? fault : { kind: 'pass' };
    if (active.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (active.kind === 'hang') return;
    if (active.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, active.delayMs);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (res.destroyed) return;
    }
    let upstream: Upstream;
    try {
      upstream = await forward(target, req, Buffer.concat(chunks));
    } catch {
      res.writeHead(502).end();
      return;
    }
    switch (active.kind) {
      case 'truncated-json':
        return withBody(res, upstream, upstream.body.subarray(0, Math.max(1, Math.floor(upstream.body.length / 2))));
      case 'wrong-shape':
        return withBody(res, upstream, Buffer.from(JSON.stringify(active.body)), 'application/json');
      case 'html':
        return withBody(
          res,
          { ...upstream, status: 200 },
          Buffer.from('<!doctype html><html><body><h1>Sign in to continue</h1></body></html>'),
          'text/html; charset=utf-8',
        );
      case 'reset-mid-body': {
        const headers: Upstream['headers'] = { ...upstream.headers, 'content-length': String(upstream.body.length + 100) };
        delete headers['transfer-encoding'];
        res.writeHead(upstream.status, headers);
        res.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
        setImmediate(() => req.socket.destroy());
        return;
      }
      default:
        return withBody(res, upstream, upstream.body);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    inject(next, pattern) {
      fault = next;
      when = pattern ?? null;
    },
    heal() {
      fault = { kind: 'pass' };
      when = null;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
