// GET /, its assets and GET /status.json over real HTTP (no browser): auth, key scopes, headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP, type StatusReport } from '../../../src/status/index.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { startTestApp, type TestApp } from '../../helpers/start-test-app.js';
import { startStatusTestApp, type StatusTestApp } from './harness.js';

const OPS_KEY = 'ops-key-0123456789abcdef';
const CI_KEY = 'ci-key-0123456789abcdef';

describe('status routes', () => {
  let app: StatusTestApp;

  beforeAll(async () => {
    app = await startStatusTestApp({
      keys: [
        { name: 'ops', key: OPS_KEY, sources: null, rateLimitPerMinute: 0 },
        { name: 'ci', key: CI_KEY, sources: ['handbook'], rateLimitPerMinute: 0 },
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the page shell without a key, with a strict CSP and no inline code', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<script src="/status/app.js" defer></script>');
    expect(html).not.toContain(OPS_KEY);
  });

  it('serves the script, style and icon with their types', async () => {
    for (const [path, type] of [
      ['/status/app.js', 'text/javascript; charset=utf-8'],
      ['/status/app.css', 'text/css; charset=utf-8'],
      ['/status/icon.svg', 'image/svg+xml'],
    ] as const) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect((await response.text()).length, path).toBeGreaterThan(100);
    }
  });

  it('answers /status.json only with a valid key, as /mcp does', async () => {
    const missing = await fetch(`${app.url}/status.json`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(-32001);
    const wrong = await fetch(`${app.url}/status.json`, { headers: { 'x-api-key': 'wrong-key-0123456789' } });
    expect(wrong.status).toBe(401);
    const bearer = await fetch(`${app.url}/status.json`, { headers: { authorization: `Bearer ${OPS_KEY}` } });
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a scoped key only the sources it may see', async () => {
    const ops = (await (await fetch(`${app.url}/status.json`, { headers: { 'x-api-key': OPS_KEY } })).json()) as StatusReport;
    expect(ops.sources.map((source) => source.name)).toEqual(['handbook', 'runbooks']);
    expect(ops.caller).toEqual({ key_name: 'ops', auth_required: true });
    const ci = (await (await fetch(`${app.url}/status.json`, { headers: { 'x-api-key': CI_KEY } })).json()) as StatusReport;
    expect(ci.sources.map((source) => source.name)).toEqual(['handbook']);
    expect(ci.caller.key_name).toBe('ci');
    expect(JSON.stringify(ci)).not.toContain('runbooks');
  });

  it('reports version, protocols, the MCP URL, per-source window figures and the cache', async () => {
    const search = await fetch(`${app.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': OPS_KEY },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'deploy' } } }),
    });
    expect(search.status).toBe(200);
    const report = (await (await fetch(`${app.url}/status.json`, { headers: { 'x-api-key': OPS_KEY } })).json()) as StatusReport;
    expect(report.server.mcp_url).toBe(`${app.url}/mcp`);
    expect(report.server.protocol_versions.stateless).toContain('2026-07-28');
    expect(report.server.protocol_versions.legacy).toContain('2025-06-18');
    const handbook = report.sources.find((source) => source.name === 'handbook')!;
    expect(handbook).toMatchObject({ kind: 'scripted', status: 'ok', document_count: 1234, breaker: 'closed' });
    expect(handbook.window.requests).toBeGreaterThanOrEqual(1);
    expect(handbook.window.error_rate).toBe(0);
    expect(handbook.window.p50_ms).not.toBeNull();
    expect(report.cache).toMatchObject({ kind: 'memory', degraded: false });
    expect(report.cache!.misses).toBeGreaterThanOrEqual(1);
  });
});

describe('status routes without keys and with a failing source list', () => {
  let server: TestApp;

  beforeAll(async () => {
    const service = createFakeSearchService();
    server = await startTestApp({
      config: { trustProxy: true },
      service: {
        ...service,
        listSources: async (caller, signal) => {
          if (caller.requestId === 'fail-me') throw new Error('pool exhausted: SELECT * FROM secrets');
          return service.listSources(caller, signal);
        },
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('needs no key on loopback without keys, and builds the MCP URL from forwarded headers behind a trusted proxy', async () => {
    const response = await fetch(`${server.url}/status.json`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost:8443' } });
    expect(response.status).toBe(200);
    const report = (await response.json()) as StatusReport;
    expect(report.caller).toEqual({ key_name: null, auth_required: false });
    expect(report.server.mcp_url).toBe('https://localhost:8443/mcp');
    expect(report.cache).toBeNull();
    expect(report.sources[0]).toMatchObject({ name: 'runbooks', document_count: 20, window: { requests: 0, p50_ms: null } });
  });

  it('answers 503 without internals when the source list cannot be read', async () => {
    const response = await fetch(`${server.url}/status.json`, { headers: { 'x-request-id': 'fail-me' } });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).toContain('fail-me');
    expect(text).not.toContain('SELECT');
  });
});
