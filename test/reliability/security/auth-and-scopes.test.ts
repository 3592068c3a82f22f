// Authentication on every route that needs it, with the same answer for a missing and a wrong
// key, and scoped keys confined to their sources in search, get, list, the status page, cursors
// and the cache. Checked on an assembled app (with the status page) and on the built server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import { hasBuild, spawnServer, type SpawnedServer } from '../../helpers/spawn-server.js';
import { callTool, postMcp } from '../helpers/mcp.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const CI_KEY = 'ci-key-0123456789abcdefgh';
const KEYS: ApiKey[] = [
  { name: 'admin', key: ADMIN_KEY, sources: null, rateLimitPerMinute: 0 },
  { name: 'ci', key: CI_KEY, sources: ['handbook'], rateLimitPerMinute: 0 },
];
const admin = { 'x-api-key': ADMIN_KEY };
const ci = { authorization: `Bearer ${CI_KEY}` };

const doc = (id: string, title: string) => ({ id, title, text: `${title}: how to deploy and roll back.`, url: `https://docs.example.com/${id}` });

/** Routes that must refuse a request without a valid key. */
const PROTECTED: Array<{ method: string; path: string; body?: string }> = [
  { method: 'POST', path: '/mcp', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) },
  { method: 'GET', path: '/mcp' },
  { method: 'DELETE', path: '/mcp' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/status.json' },
];

async function request(url: string, route: { method: string; path: string; body?: string }, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${route.path}`, {
    method: route.method,
    headers: { ...(route.body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(route.body ? { body: route.body } : {}),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('authentication and scoped keys on the app', () => {
  let service: AssembledService;
  const handbook = new ScriptedConnector({
    name: 'handbook',
    ranking: 'match',
    documents: Array.from({ length: 15 }, (_, i) => doc(`h${i}`, `Handbook deploy page ${i}`)),
  });
  const runbooks = new ScriptedConnector({ name: 'runbooks', ranking: 'match', documents: [doc('secret-runbook', 'Runbook deploy secrets')] });

  beforeAll(async () => {
    service = await startAssembledService({
      sources: [
        { connector: handbook, config: sourceConfig() },
        { connector: runbooks, config: sourceConfig() },
      ],
      keys: KEYS,
      cache: true,
      statsWindowMs: 60_000,
    });
  });
  afterAll(() => service?.close());

  it.each(PROTECTED)('$method $path: 401 without a key, with a wrong key, or with a key in the URL; same body each time', async (route) => {
    const missing = await request(service.url, route);
    const wrong = await request(service.url, route, { 'x-api-key': `${ADMIN_KEY.slice(0, -1)}X` });
    const wrongBearer = await request(service.url, route, { authorization: `Bearer ${CI_KEY}x` });
    const inQuery = await request(service.url, { ...route, path: `${route.path}?api_key=${ADMIN_KEY}&key=${ADMIN_KEY}` });
    for (const answer of [missing, wrong, wrongBearer, inQuery]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
      // No hint which keys exist or how close a guess was.
      expect(answer.text).toBe(missing.text);
      expect(answer.text).not.toMatch(/admin|ci\b|handbook|runbooks/);
    }
  });

  it.each(PROTECTED)('$method $path: accepts a valid key as x-api-key and as Bearer', async (route) => {
    for (const headers of [admin, ci, { authorization: `bearer   ${ADMIN_KEY}  ` }]) {
      expect((await request(service.url, route, headers)).status).not.toBe(401);
    }
  });

  it('leaves /healthz, /readyz and the status page shell open, with no data in the shell', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const shell = await fetch(`${service.url}/`);
    expect(shell.status).toBe(200);
    const html = await shell.text();
    expect(html).not.toMatch(/handbook|runbooks|deploy/i);
  });

  it('confines a scoped key in search: only its sources are asked and reported', async () => {
    const answer = await callTool(service.url, 'search_documents', { query: 'deploy secrets' }, ci);
    const output = answer.result!.structuredContent;
    expect(output.sources.map((s: { name: string }) => s.name)).toEqual(['handbook']);
    expect(output.results.every((r: { source: string }) => r.source === 'handbook')).toBe(true);
    expect(answer.text).not.toMatch(/runbooks|secret-runbook/);
  });

  it('answers a scoped key asking for a forbidden source exactly as for one that does not exist', async () => {
    const forbidden = await callTool(service.url, 'search_documents', { query: 'deploy', sources: ['runbooks'] }, ci);
    const missing = await callTool(service.url, 'search_documents', { query: 'deploy', sources: ['nosuch'] }, ci);
    expect(forbidden.result?.isError).toBe(true);
    expect(forbidden.result?.content[0]?.text).toBe(missing.result?.content[0]?.text.replace('"nosuch"', '"runbooks"'));
    expect(forbidden.result?.content[0]?.text).toMatch(/available sources: handbook$/);
  });

  it('confines get_document by id and by URL', async () => {
    const byId = await callTool(service.url, 'get_document', { document_id: 'runbooks:secret-runbook' }, ci);
    const unknown = await callTool(service.url, 'get_document', { document_id: 'nosuch:secret-runbook' }, ci);
    expect(byId.result?.isError).toBe(true);
    expect(byId.text).not.toMatch(/Runbook deploy secrets/);
    expect(byId.result?.content[0]?.text.replace('runbooks', 'X')).toBe(unknown.result?.content[0]?.text.replace('nosuch', 'X'));
    const byUrl = await callTool(service.url, 'get_document', { document_id: 'https://docs.example.com/secret-runbook' }, ci);
    expect(byUrl.result?.isError).toBe(true);
    expect(byUrl.text).not.toMatch(/Runbook deploy secrets/);
    const allowed = await callTool(service.url, 'get_document', { document_id: 'https://docs.example.com/secret-runbook' }, admin);
    expect(allowed.result?.structuredContent.title).toBe('Runbook deploy secrets');
  });

  it('confines list_sources and /status.json', async () => {
    const listed = await callTool(service.url, 'list_sources', {}, ci);
    expect(listed.result!.structuredContent.sources.map((s: { name: string }) => s.name)).toEqual(['handbook']);
    const status = await fetch(`${service.url}/status.json`, { headers: ci });
    expect(status.status).toBe(200);
    const text = await status.text();
    expect(text).toMatch(/handbook/);
    expect(text).not.toMatch(/runbooks/);
  });

  it('does not let a scoped key use another key’s cursor, nor see another key’s cached page', async () => {
    const first = await callTool(service.url, 'search_documents', { query: 'deploy page', limit: 5 }, admin);
    const cursor = first.result!.structuredContent.next_cursor as string;
    expect(cursor).toBeTruthy();
    const stolen = await callTool(service.url, 'search_documents', { query: 'deploy page', limit: 5, cursor }, ci);
    expect(stolen.result?.isError).toBe(true);
    expect(stolen.result?.content[0]?.text).toMatch(/^INVALID_CURSOR: /);

    const query = { query: 'secrets', limit: 10 };
    const full = await callTool(service.url, 'search_documents', query, admin);
    expect(full.result!.structuredContent.results.some((r: { source: string }) => r.source === 'runbooks')).toBe(true);
    const again = await callTool(service.url, 'search_documents', query, admin);
    expect(again.result!.structuredContent.cached).toBe(true);
    const scoped = await callTool(service.url, 'search_documents', query, ci);
    expect(scoped.result!.structuredContent).toMatchObject({ cached: false, results: [] });
  });
});

describe.skipIf(!hasBuild)(`authentication on the built server${hasBuild ? '' : ' (skipped: npm run build first)'}`, () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ env: { API_KEYS: `admin:${ADMIN_KEY}` } });
  });
  afterAll(() => server?.stop());

  it('refuses every protected route without a key, and answers with one', async () => {
    for (const route of PROTECTED) {
      const without = await request(server.url, route);
      // The status page may not be mounted in this build; when it is, it is protected too.
      if (route.path === '/status.json' && without.status === 404) continue;
      expect(without.status, `${route.method} ${route.path}`).toBe(401);
      expect((await request(server.url, route, admin)).status, `${route.method} ${route.path}`).not.toBe(401);
    }
    const answer = await postMcp(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(answer.json.result.tools).toHaveLength(3);
  });
});
