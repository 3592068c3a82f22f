// Direct HTTPS: with TLS_CERT_FILE/TLS_KEY_FILE the server serves TLS itself (self-signed cert made here).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { startTestApp, type TestApp } from '../../helpers/start-test-app.js';

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasOpenssl)(`HTTPS with TLS_CERT_FILE/TLS_KEY_FILE${hasOpenssl ? '' : ' (skipped: no openssl to make a certificate)'}`, () => {
  let server: TestApp;
  let cert: Buffer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-tls-'));
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(certFile);
    server = await startTestApp({ service: createFakeSearchService(), config: { tls: { certFile, keyFile }, shutdownTimeoutMs: 1000 } });
  });
  afterAll(() => server?.close());

  it('answers MCP over TLS with the configured certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      const request = https.request(`${server.url}/mcp`, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      });
      request.on('error', reject);
      request.end('{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}');
    });
    expect(JSON.parse(body).result.tools).toHaveLength(3);
  });

  it('refuses plain HTTP on the TLS port', async () => {
    await expect(fetch(`${server.url.replace('https:', 'http:')}/healthz`)).rejects.toThrow();
  });
});
