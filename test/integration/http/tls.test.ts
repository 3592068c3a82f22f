// Direct HTTPS: with TLS_CERT_FILE/TLS_KEY_FILE the server serves TLS itself (self-signed cert made here).
import { existsSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { makeSelfSignedCert } from '../../helpers/self-signed-cert.js';
import { startTestApp, type TestApp } from '../../helpers/start-test-app.js';

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasOpenssl)(`HTTPS with TLS_CERT_FILE/TLS_KEY_FILE${hasOpenssl ? '' : ' (skipped: no openssl to make a certificate)'}`, () => {
  let server: TestApp;
  let cert: Buffer;
  beforeAll(async () => {
    const made = makeSelfSignedCert('kmcp-tls-');
    cert = made.cert;
    const { certFile, keyFile } = made;
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
