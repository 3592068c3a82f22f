// Nothing leaks: users × sources × documents over real HTTP against the server as `serve` builds
// it (loadConfig → createRuntime → buildApp with the status page), over markdown, the Elasticsearch
// double, managed Postgres and a mapped Postgres table (matrix-sources.ts), keys with principals,
// one OAuth user through oidc-provider, and a shared Redis cache between two instances. Every
// forbidden document answers exactly like a missing one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { assembleServer, type AssembledServer } from '../../../src/composition/assemble.js';
import { createMetrics } from '../../../src/metrics.js';
import type { RunningServer } from '../../../src/server.js';
import { freePort } from '../../helpers/free-port.js';
import { captureLogs, type CapturedLogs } from '../../reliability/helpers/capture-logs.js';
import { startAuthorizationServer, type TestAuthorizationServer } from '../auth/authorization-server.js';
import {
  AVAILABLE_SOURCES,
  COPY_ID,
  COPY_SOURCES,
  DOCS,
  FORBIDDEN_WORDS,
  type MatrixSources,
  qualifiedId,
  setUpSources,
  skipReason,
  SOURCES,
  type SourceName,
  urlIn,
} from './matrix-sources.js';

const REDIS_URL = process.env.REDIS_URL_TEST;

interface User {
  name: string;
  headers: () => Record<string, string>;
  reads: string[];
}

const key = (name: string) => `${name}-key-0123456789abcdef`;
const keyHeaders = (name: string) => () => ({ 'x-api-key': key(name) });

let dir: string;
let sources: MatrixSources | undefined;
let as: TestAuthorizationServer;
let oauthToken = '';
const instances: Array<{ assembled: AssembledServer; server: RunningServer; logs: CapturedLogs }> = [];
let url = '';
let secondUrl = '';

const USERS: User[] = [
  { name: 'service key', headers: keyHeaders('svc'), reads: ['open-almanac', 'hr-zebra', 'alice-okapi', 'svc-narwhal'] },
  { name: 'alice (key)', headers: keyHeaders('alice'), reads: ['open-almanac', 'alice-okapi'] },
  { name: 'harry of HR (key)', headers: keyHeaders('harry'), reads: ['open-almanac', 'hr-zebra'] },
  { name: 'bob (key, no groups)', headers: keyHeaders('bob'), reads: ['open-almanac'] },
  { name: 'an HR user (OAuth)', headers: () => ({ authorization: `Bearer ${oauthToken}` }), reads: ['open-almanac', 'hr-zebra'] },
];

async function rpc(base: string, headers: Record<string, string>, method: string, params: unknown): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}
const tool = (base: string, user: User, name: string, args: Record<string, unknown>) => rpc(base, user.headers(), 'tools/call', { name, arguments: args });

async function startInstance(port: number): Promise<string> {
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: path.join(dir, 'data'),
    OAUTH_ISSUER: as.issuer,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...(REDIS_URL ? { REDIS_URL } : {}),
  };
  const file = {
    sources: sources!.entries,
    keys: [
      { name: 'svc', key: key('svc') },
      { name: 'alice', key: key('alice'), principals: ['user:alice', 'user:alice@example.com', 'group:eng'] },
      { name: 'harry', key: key('harry'), principals: ['user:harry', 'group:hr'] },
      { name: 'bob', key: key('bob'), principals: ['user:bob'] },
    ],
  };
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(file));
  const config = loadConfig({ env, configPath, cwd: dir, factories: CONNECTOR_FACTORIES });
  const logs = captureLogs('info');
  const metrics = createMetrics({ defaultMetrics: false });
  // Assembled exactly as `serve` does, status page included.
  const assembled = await assembleServer(config, { logger: logs.logger, metrics });
  const server = await assembled.listen();
  instances.push({ assembled, server, logs });
  return server.url;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmcp-acl-matrix-'));
  sources = await setUpSources(dir);
  const [port, secondPort] = [await freePort(), await freePort()];
  as = await startAuthorizationServer([
    { clientId: 'hr-agent', clientSecret: 'hr-agent-secret-0123456789', claims: { email: 'helen@example.com', groups: ['hr'] } },
  ]);
  url = await startInstance(port);
  oauthToken = await as.token({ clientId: 'hr-agent', clientSecret: 'hr-agent-secret-0123456789' }, `${url}/mcp`);
  if (REDIS_URL) secondUrl = await startInstance(secondPort);
}, 60_000);

afterAll(async () => {
  for (const { assembled } of instances) await assembled.close();
  await as?.close();
  await sources?.close();
  rmSync(dir, { recursive: true, force: true });
});

const forbiddenFor = (user: User) => DOCS.map((d) => d.id).filter((id) => !user.reads.includes(id));
/** What a search of one source must return to this user: the readable documents, and the HR copy where there is one. */
const expectedIds = (user: User, source: SourceName) =>
  [...user.reads, ...(user.reads.includes('hr-zebra') && COPY_SOURCES.includes(source) ? [COPY_ID] : [])].map((id) => qualifiedId(source, id)).sort();

/** One case per source; the Postgres ones skip, saying why, when the server is unreachable. */
function eachSource(title: string, body: (source: SourceName) => Promise<void>): void {
  for (const source of SOURCES) {
    const reason = skipReason(source);
    it.skipIf(reason !== null)(`${title.replace('%s', source)}${reason === null ? '' : ` (skipped: ${reason})`}`, () => body(source));
  }
}

describe.each(USERS)('$name', (user) => {
  eachSource('searching %s returns exactly the readable documents, with counts to match and no trace of the others', async (source) => {
    const answer = await tool(url, user, 'search_documents', { query: 'quarterly report', sources: [source], limit: 50 });
    const content = answer.body.result.structuredContent;
    const ids = (content.results as Array<{ id: string }>).map((r) => r.id);
    expect(ids.sort()).toEqual(expectedIds(user, source));
    const report = (content.sources as Array<{ name: string; count: number }>).find((r) => r.name === source);
    expect(report?.count).toBe(ids.length);
    for (const id of forbiddenFor(user)) expect(answer.text).not.toContain(FORBIDDEN_WORDS[id]);
  });

  eachSource('on %s a readable document scores as it does for the service key: the filter moves no score', async (source) => {
    const query = { query: 'quarterly report figures', sources: [source], limit: 50 };
    const scoresOf = async (caller: User) => {
      const results: Array<{ id: string; score: number }> = (await tool(url, caller, 'search_documents', query)).body.result.structuredContent.results;
      return new Map(results.map((r) => [r.id, r.score]));
    };
    const [own, service] = [await scoresOf(user), await scoresOf(USERS[0]!)];
    expect(own.size).toBeGreaterThan(0);
    for (const [id, score] of own) expect(score).toBe(service.get(id));
  });

  eachSource('paging %s one hit at a time walks exactly the readable documents', async (source) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await tool(url, user, 'search_documents', { query: 'quarterly report', sources: [source], limit: 1, ...(cursor ? { cursor } : {}) });
      const content = page.body.result.structuredContent;
      expect(content.results.length).toBe(1);
      seen.push(content.results[0].id);
      for (const id of forbiddenFor(user)) expect(page.text).not.toContain(FORBIDDEN_WORDS[id]);
      cursor = content.next_cursor;
    } while (cursor && seen.length <= 10);
    expect(seen.sort()).toEqual(expectedIds(user, source));
  });

  it('sees also_in only for duplicates it may read', async () => {
    const answer = await tool(url, user, 'search_documents', { query: 'quarterly almanac zebra', limit: 50 });
    const results = answer.body.result.structuredContent.results as Array<{ id: string; also_in?: string[] }>;
    // The open page and the HR copies share one URL: one survivor, the others in its also_in.
    const open = qualifiedId('md', 'open-almanac');
    const group = results.map((r) => [r.id, ...(r.also_in ?? [])]).find((ids) => ids.includes(open)) ?? [];
    for (const source of COPY_SOURCES.filter((s) => AVAILABLE_SOURCES.includes(s))) {
      expect(group.includes(qualifiedId(source, COPY_ID))).toBe(user.reads.includes('hr-zebra'));
    }
    if (!user.reads.includes('hr-zebra')) expect(answer.text).not.toContain('zebra-copy');
  });

  eachSource('get_document on %s: a forbidden document answers byte for byte like a missing one, by id and by URL', async (source) => {
    const missing = await tool(url, user, 'get_document', { document_id: qualifiedId(source, 'no-such-page') });
    expect(missing.body.result.isError).toBe(true);
    const missingUrl = await tool(url, user, 'get_document', { document_id: 'https://docs.example.com/no-such-page' });
    for (const doc of DOCS) {
      const byId = await tool(url, user, 'get_document', { document_id: qualifiedId(source, doc.id) });
      const byUrl = await tool(url, user, 'get_document', { document_id: urlIn(source, doc) });
      if (user.reads.includes(doc.id)) {
        expect(byId.body.result.isError).toBe(false);
        expect(byId.body.result.structuredContent.title).toBe(doc.title);
        continue;
      }
      expect(byId.status).toBe(missing.status);
      expect(byId.text).toBe(missing.text.replaceAll(qualifiedId(source, 'no-such-page'), qualifiedId(source, doc.id)));
      expect(byUrl.status).toBe(missingUrl.status);
      expect(byUrl.text).toBe(missingUrl.text);
    }
  });

  it('list_sources shows document counts only to service callers', async () => {
    const answer = await tool(url, user, 'list_sources', {});
    const listed = answer.body.result.structuredContent.sources as Array<{ name: string; document_count: number | null }>;
    expect(listed.map((s) => s.name)).toEqual(AVAILABLE_SOURCES);
    const counts = listed.map((s) => s.document_count);
    if (user.name === 'service key') expect(counts.every((c) => typeof c === 'number' && c > 0)).toBe(true);
    else expect(counts.every((c) => c === null)).toBe(true);
  });

  it('/status.json carries no forbidden title and no counts for callers with principals', async () => {
    await tool(url, user, 'search_documents', { query: 'quarterly report', limit: 50 });
    const response = await fetch(`${url}/status.json`, { headers: user.headers() });
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const id of forbiddenFor(user)) expect(text).not.toContain(FORBIDDEN_WORDS[id]);
    if (user.name !== 'service key') expect(text).not.toMatch(/"document_count":\s*\d/);
  });
});

describe('cursors and the cache across principal sets', () => {
  const [svc, alice, , bob] = USERS as [User, User, User, User, User];

  it('refuses a cursor issued to another principal set', async () => {
    const first = await tool(url, alice, 'search_documents', { query: 'quarterly report', limit: 1 });
    const cursor = first.body.result.structuredContent.next_cursor as string;
    expect(cursor).toBeTruthy();
    const own = await tool(url, alice, 'search_documents', { query: 'quarterly report', limit: 1, cursor });
    expect(own.body.result.isError).toBe(false);
    for (const other of [bob, svc]) {
      const stolen = await tool(url, other, 'search_documents', { query: 'quarterly report', limit: 1, cursor });
      expect(stolen.body.result.isError).toBe(true);
      expect(stolen.body.result.content[0].text).toMatch(/^INVALID_CURSOR/);
    }
  });

  it('never serves one caller a cached answer computed for other principals', async () => {
    const query = { query: 'quarterly figures plans', limit: 50 };
    const forAlice = await tool(url, alice, 'search_documents', query);
    for (const source of AVAILABLE_SOURCES) expect(forAlice.text).toContain(qualifiedId(source, 'alice-okapi'));
    const again = await tool(url, alice, 'search_documents', query);
    expect(again.body.result.structuredContent.cached).toBe(true);
    const forBob = await tool(url, bob, 'search_documents', query);
    expect(forBob.body.result.structuredContent.cached).toBe(false);
    expect(forBob.text).not.toContain('okapi');
    for (const source of AVAILABLE_SOURCES) {
      const aliceDoc = await tool(url, alice, 'get_document', { document_id: qualifiedId(source, 'alice-okapi') });
      expect(aliceDoc.body.result.isError).toBe(false);
      const bobDoc = await tool(url, bob, 'get_document', { document_id: qualifiedId(source, 'alice-okapi') });
      expect(bobDoc.body.result.isError).toBe(true);
    }
  });

  it.skipIf(!REDIS_URL)('keeps that true across instances sharing one Redis cache', async () => {
    const query = { query: 'quarterly notes almanac', limit: 50 };
    const first = await tool(url, alice, 'search_documents', query);
    for (const source of AVAILABLE_SOURCES) expect(first.text).toContain(qualifiedId(source, 'alice-okapi'));
    const sameUserElsewhere = await tool(secondUrl, alice, 'search_documents', query);
    expect(sameUserElsewhere.body.result.structuredContent.cached).toBe(true);
    const otherUserElsewhere = await tool(secondUrl, bob, 'search_documents', query);
    expect(otherUserElsewhere.body.result.structuredContent.cached).toBe(false);
    expect(otherUserElsewhere.text).not.toContain('okapi');
  });
});

describe('operators’ surfaces', () => {
  it('/status.json without credentials carries the same OAuth challenge as /mcp', async () => {
    const status = await fetch(`${url}/status.json`);
    const mcp = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(status.status).toBe(401);
    expect(status.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect(status.headers.get('www-authenticate')).toBe(mcp.headers.get('www-authenticate'));
  });

  it('no metric label and no log line names a forbidden document', async () => {
    const metrics = await fetch(`${url}/metrics`, { headers: USERS[0]!.headers() });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    const lines = instances.flatMap((instance) => instance.logs.lines()).join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const word of Object.values(FORBIDDEN_WORDS)) {
      expect(text).not.toContain(word);
      expect(lines).not.toContain(word);
    }
  });
});
