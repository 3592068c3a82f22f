// deploy/healthcheck.mjs (the image HEALTHCHECK): healthy only on a 2xx from /healthz, over HTTP, or
// over HTTPS with the server's own (self-signed) certificate when TLS_CERT_FILE is set.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-files.js';

const PROBE = path.join(REPO_ROOT, 'deploy/healthcheck.mjs');
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const healthzOnly: Handler = (request, response) => {
  response.writeHead(request.url === '/healthz' ? 200 : 404).end();
};

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Runs the probe as the HEALTHCHECK would; resolves its exit code. Async so the in-test server can answer. */
function probe(env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('node', [PROBE], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
    child.once('exit', (code) => resolve(code));
  });
}

describe('healthcheck probe over HTTP', () => {
  const servers: http.Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('is healthy on 200 from /healthz', async () => {
    const server = http.createServer(healthzOnly);
    servers.push(server);
    expect(await probe({ PORT: String(await listen(server)) })).toBe(0);
  });

  it('is unhealthy on a 503', async () => {
    const server = http.createServer((_request, response) => response.writeHead(503).end());
    servers.push(server);
    expect(await probe({ PORT: String(await listen(server)) })).toBe(1);
  });

  it('is unhealthy when the server hangs past the timeout', async () => {
    const server = http.createServer(() => undefined);
    servers.push(server);
    const started = Date.now();
    expect(await probe({ PORT: String(await listen(server)), HEALTHCHECK_TIMEOUT_MS: '300' })).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    server.closeAllConnections();
  });
});

describe.skipIf(!hasOpenssl)(hasOpenssl ? 'healthcheck probe over HTTPS' : 'healthcheck probe over HTTPS skipped: no openssl', () => {
  let dir = '';
  let server: https.Server | null = null;
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmcp-tls-'));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    expect(made.status).toBe(0);
    server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, healthzOnly);
    port = await listen(server);
  });

  afterAll(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('speaks HTTPS and accepts the self-signed certificate when TLS_CERT_FILE is set', async () => {
    expect(await probe({ PORT: String(port), TLS_CERT_FILE: path.join(dir, 'cert.pem') })).toBe(0);
  });

  it('fails against an HTTPS server when it was not told about TLS', async () => {
    expect(await probe({ PORT: String(port), HEALTHCHECK_TIMEOUT_MS: '1000' })).toBe(1);
  });
});
