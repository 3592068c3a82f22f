// No key and no document text in the logs at info level: the real runtime's pino output is
// captured over a whole request flow (searches, paging, reads, refusals, tool errors) and
// searched for the keys, the query words and the documents' text. At debug the query does show
// (proof that the search would find it), the keys still never do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, postMcp } from '../helpers/mcp.js';
import { startRuntimeService, type RuntimeService } from '../helpers/service.js';

const ENV_KEY = 'env-key-Zq7u9Xk2Lm4Np6Rt';
const FILE_KEY = 'file-key-Vb3Hs8Jd1Wc5Ty0P';
const WRONG_KEY = 'wrong-key-Gf6Kq2Mz9Ls4Dx';
const SECRET_SENTENCE = 'The vault combination is seven four one nine quokkazanzibar';
const SECRET_TITLE = 'Quokkazanzibar vault procedure';
const QUERY_WORDS = 'quokkazanzibar vault';

function writeWiki(dir: string): void {
  writeFileSync(path.join(dir, 'vault.md'), `# ${SECRET_TITLE}\n\n${SECRET_SENTENCE}.\n\nAsk security before opening the vault.\n`);
  for (let i = 1; i <= 12; i += 1)
    writeFileSync(path.join(dir, `vault-${i}.md`), `# Vault note ${i}\n\nVault note ${i} about quokkazanzibar rotation ${'padding '.repeat(i)}\n`);
}

async function exercise(service: RuntimeService): Promise<void> {
  const env = { 'x-api-key': ENV_KEY };
  const file = { authorization: `Bearer ${FILE_KEY}` };
  const first = await callTool(service.url, 'search_documents', { query: QUERY_WORDS, limit: 5 }, env);
  expect(first.result?.structuredContent.results.length).toBe(5);
  await callTool(service.url, 'search_documents', { query: QUERY_WORDS, limit: 5, cursor: first.result!.structuredContent.next_cursor }, env);
  await callTool(service.url, 'search_documents', { query: QUERY_WORDS, limit: 5 }, file);
  const read = await callTool(service.url, 'get_document', { document_id: 'wiki:vault.md' }, file);
  expect(read.result?.structuredContent.content).toContain(SECRET_SENTENCE);
  await callTool(service.url, 'get_document', { document_id: `wiki:${QUERY_WORDS}` }, env);
  await callTool(service.url, 'search_documents', { query: `${QUERY_WORDS} ${'x'.repeat(1000)}` }, env);
  await callTool(service.url, 'search_documents', { query: QUERY_WORDS, updated_after: 'quokkazanzibar' }, env);
  await callTool(service.url, 'list_sources', {}, env);
  expect((await postMcp(service.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'x-api-key': WRONG_KEY })).status).toBe(401);
  expect((await postMcp(service.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
  expect((await fetch(`${service.url}/metrics`, { headers: env })).status).toBe(200);
}

describe('what the logs hold', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-logs-wiki-'));
  const start = (logLevel: string) =>
    startRuntimeService({
      config: { sources: [{ name: 'wiki', kind: 'markdown', dir }], keys: [{ name: 'file-agent', key_env: 'FILE_AGENT_KEY', sources: ['wiki'] }] },
      env: { API_KEYS: `env-agent:${ENV_KEY}`, FILE_AGENT_KEY: FILE_KEY },
      logLevel,
    });
  let info: RuntimeService;
  let debug: RuntimeService;
  beforeAll(async () => {
    writeWiki(dir);
    info = await start('info');
    await exercise(info);
    debug = await start('debug');
    await exercise(debug);
  });
  afterAll(async () => {
    await info?.close();
    await debug?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs info events for the tool calls, with the key name, outcome and timings (not vacuous)', () => {
    const calls = info.logs.records().filter((r) => r.level === 30 && typeof r.reqId === 'string');
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.map((r) => r.key)).toEqual(expect.arrayContaining(['env-agent', 'file-agent']));
    expect(calls.every((r) => typeof r.took_ms === 'number' && typeof r.reqId === 'string')).toBe(true);
  });

  it('never logs a key, a presented wrong key, the query words or document text at info level', () => {
    const text = info.logs.lines().join('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      ENV_KEY,
      FILE_KEY,
      WRONG_KEY,
      'quokkazanzibar',
      'Quokkazanzibar',
      SECRET_SENTENCE,
      SECRET_TITLE,
      'seven four one nine',
      'vault combination',
    ]) {
      expect(text, `"${secret}" is in the info log`).not.toContain(secret);
    }
  });

  it('shows the query only at debug level, and never the keys', () => {
    const text = debug.logs.lines().join('\n');
    expect(text).toContain(QUERY_WORDS);
    for (const secret of [ENV_KEY, FILE_KEY, WRONG_KEY, SECRET_SENTENCE]) expect(text).not.toContain(secret);
  });
});
