// Small protocol edges found by the black-box review: a non-string resources/read uri, a UTF-8
// byte order mark before the JSON, application/json-seq posing as JSON, nosniff on every JSON
// answer, and HSTS when the server terminates TLS itself.
import { existsSync, rmSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import type { RunningServer } from '../../../src/server.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { makeSelfSignedCert } from '../../helpers/self-signed-cert.js';
import { startTestApp } from '../../helpers/start-test-app.js';
import { expectNoInternals, postMcp } from '../helpers/mcp.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

const MODERN = '2026-07-28';
const modernMeta = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
};

describe('protocol edges', () => {
  let service: AssembledService;
  beforeAll(async () => {
    const connector = new ScriptedConnector({ name: 'handbook', ranking: 'match', documents: [{ id: 'a', title: 'Deploy', text: 'deploy' }] });
    service = await startAssembledService({ sources: [{ connector, config: sourceConfig() }] });
  });
  afterAll(() => service?.close());

  it.each([
    ['an object', { toString: 1 }],
    ['a number', 42],
    ['null', null],
    ['an array', ['x']],
  ])('answers resources/read with %s as uri with -32602 and no error-level log', async (_label, uri) => {
    const before = service.logs.records().length;
    const legacy = await postMcp(service.url, { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } });
    expect(legacy.status).toBe(200);
    expect(legacy.json.error).toMatchObject({ code: -32602, message: expect.stringMatching(/uri/) });
    const modern = await postMcp(
      service.url,
      { jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri, _meta: modernMeta } },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'resources/read' },
    );
    expect(modern.json.error).toMatchObject({ code: -32602 });
    expectNoInternals(legacy.text + modern.text);
    const errors = service.logs
      .records()
      .slice(before)
      .filter((record) => record.level >= 50);
    expect(errors).toEqual([]);
  });

  it('accepts a JSON body behind a UTF-8 byte order mark, as RFC 8259 allows parsers to', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }))]);
    const response = await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { id: number; result: { tools: unknown[] } };
    expect(answer.id).toBe(7);
    expect(answer.result.tools).toHaveLength(3);
  });

  it('still answers a body that is only a byte order mark, or one in the middle, with -32700', async () => {
    for (const body of [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"jsonrpc":"2.0",\uFEFF"id":1,"method":"ping"}')]) {
      const response = await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32700);
    }
  });

  it.each(['application/json-seq', 'application/json-seq; charset=utf-8', 'application/jsonl', 'text/plain'])(
    'refuses Content-Type %s with 415',
    async (type) => {
      const response = await fetch(`${service.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32006);
    },
  );

  it('sends X-Content-Type-Options: nosniff on every JSON answer, refusals included', async () => {
    const answers = [
      await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }),
      await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }),
      await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      await fetch(`${service.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' }),
      await fetch(`${service.url}/mcp`),
      await fetch(`${service.url}/healthz`),
      await fetch(`${service.url}/readyz`),
      await fetch(`${service.url}/no-such-route`),
    ];
    for (const response of answers) {
      expect(response.headers.get('content-type'), response.url).toMatch(/json/);
      expect(response.headers.get('x-content-type-options'), `${response.url} ${response.status}`).toBe('nosniff');
    }
  });

  it('sends no HSTS over plain HTTP', async () => {
    const response = await fetch(`${service.url}/healthz`);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});

const hasOpenssl = existsSync('/usr/bin/openssl');

describe.skipIf(!hasOpenssl)(`HSTS with TLS_CERT_FILE${hasOpenssl ? '' : ' (skipped: no openssl to make a certificate)'}`, () => {
  let server: RunningServer;
  let dir: string;
  let cert: Buffer;
  beforeAll(async () => {
    const made = makeSelfSignedCert('kmcp-hsts-');
    dir = made.dir;
    cert = made.cert;
    const { certFile, keyFile } = made;
    server = await startTestApp({ service: createFakeSearchService(), config: { tls: { certFile, keyFile } } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function get(pathname: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        `${server.url}${pathname}`,
        { ca: cert, method: init.method ?? 'GET', headers: { 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        },
      );
      request.on('error', reject);
      request.end(init.body);
    });
  }

  it('tells browsers to keep to HTTPS, on the fast path and the Koa routes alike', async () => {
    const mcp = await get('/mcp', { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(mcp.status).toBe(200);
    expect(mcp.headers['strict-transport-security']).toBe('max-age=31536000');
    const health = await get('/healthz');
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
  });
});
