// Hostile query syntax against the real connectors behind one federation: the markdown folder,
// Postgres on embedded PGlite (SQL and tsquery syntax), Elasticsearch (query-string syntax and
// DSL-looking JSON, through the real client to its double) and Confluence (CQL, through the
// real client to its double). No query may break a source: every source answers `ok`, nothing
// internal leaks, and it all happens in bounded time. Hostile document ids likewise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFactory } from '../../connectors/postgres/index.js';
import type { Connector, IngestDocument } from '../../connectors/contract/types.js';
import { searchDocumentsOutput } from '../../src/tools/schemas.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../doubles/elasticsearch/server.js';
import { startConfluenceDouble, type ConfluenceDouble } from '../integration/confluence/confluence-double.js';
import { buildConnector, CONFLUENCE_CLOUD_AUTH, confluenceAt, elasticsearchAt, ES_DOCUMENTS, markdownRunbooks } from '../reliability/helpers/connectors.js';
import { codeUnits, hasLoneSurrogate, HOSTILE_FRAGMENTS, hostileQueryArb, toWellFormed, UNICODE_EDGES } from './arbitraries.js';
import { buildDispatcher, CALLER, expectWellFormed, signal, unexpectedFailures } from './rpc-checks.js';

const SOURCES = ['runbooks', 'handbook', 'search', 'wiki'] as const;

async function* handbookDocuments(): AsyncGenerator<IngestDocument> {
  const topics = ['deploy', 'rollback', 'vacation policy', 'password rotation', 'incident review', 'database failover'];
  for (let i = 0; i < 24; i += 1) {
    const topic = topics[i % topics.length]!;
    yield { id: `hb-${i}`, title: `Handbook: ${topic} ${i}`, text: `How we handle ${topic}. Step ${i}: ask the on-call, write it down, and deploy carefully.` };
  }
}

describe('hostile queries against the real connectors', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-fuzz-pglite-'));
  let es: ElasticsearchDouble;
  let confluence: ConfluenceDouble;
  let connectors: Array<Connector & { start: (signal: AbortSignal) => Promise<void> }> = [];
  let built: ReturnType<typeof buildDispatcher>;
  let nextId = 1;

  beforeAll(async () => {
    es = await startElasticsearchDouble();
    es.seed('docs', ES_DOCUMENTS);
    confluence = await startConfluenceDouble({ flavor: 'cloud', auth: CONFLUENCE_CLOUD_AUTH });
    const handbook = buildConnector(postgresFactory, { name: 'handbook', kind: 'postgres', data_dir: path.join(dataDir, 'pglite') }, {}, dataDir);
    connectors = [markdownRunbooks('runbooks'), handbook, elasticsearchAt(es.url, 'search'), confluenceAt(confluence.baseUrl, 'wiki')];
    await Promise.all(connectors.map((connector) => connector.start(AbortSignal.timeout(60_000))));
    await handbook.ingest!(handbookDocuments(), { signal: AbortSignal.timeout(60_000) });
    built = buildDispatcher(connectors.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 5000, max_concurrency: 8 } })));
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(connectors.map((connector) => connector.close()));
    await es?.close();
    await confluence?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function callTool(name: string, args: unknown) {
    const started = performance.now();
    const response = await built.dispatcher.handle(
      Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } })),
      {},
      CALLER,
      signal,
    );
    const message = expectWellFormed(response);
    expect(message?.error).toBeUndefined();
    return { result: message!.result as { isError: boolean; content: Array<{ text: string }>; structuredContent?: any }, tookMs: performance.now() - started };
  }

  async function expectEverySourceAnswers(query: string): Promise<void> {
    const { result, tookMs } = await callTool('search_documents', { query, limit: 10 });
    expect(result.isError, result.content[0]?.text).toBe(false);
    const output = result.structuredContent;
    const failed = (output.sources as Array<{ name: string; status: string; error?: string }>).filter((s) => s.status !== 'ok');
    expect(failed, `query ${JSON.stringify(query)}`).toEqual([]);
    expect(output.partial).toBe(false);
    expect(searchDocumentsOutput.safeParse(output).success).toBe(true);
    expect(tookMs).toBeLessThan(5000);
  }

  it('answers every known-hostile fragment and unicode edge from every source', async () => {
    const edges = UNICODE_EDGES.filter((edge) => edge.trim().length > 0 && !hasLoneSurrogate(edge));
    for (const query of [...HOSTILE_FRAGMENTS, ...edges, ...HOSTILE_FRAGMENTS.map((f) => `deploy ${f} rollback`)]) {
      await expectEverySourceAnswers(query);
    }
  }, 60_000);

  it('answers arbitrary hostile queries from every source', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQueryArb({ wellFormed: true }), (query) => expectEverySourceAnswers(query)),
      { numRuns: 150 },
    );
  }, 120_000);

  // Found by this suite: PGlite failed such queries with SQLSTATE 22021, a source error that
  // counted toward the breaker. The tool layer now replaces lone surrogates with U+FFFD.
  it('answers queries with lone surrogates from every source', async () => {
    // Found by this suite: PGlite answers "invalid byte sequence for encoding UTF8" for these.
    for (const query of ['\u202eevil\u202c vacation \uda2d password 👨‍👩‍👧‍👦', '[[Special:AllPages]] 䝡谵\ude78緗씽㣆肢'])
      await expectEverySourceAnswers(query);
  });

  it('still finds real documents when the query carries hostile syntax around real words', async () => {
    const { result } = await callTool('search_documents', { query: `"deploy' OR 1=1 -- title:(rollback AND {{x}}`, limit: 50 });
    const bySource = new Set((result.structuredContent.results as Array<{ source: string }>).map((r) => r.source));
    for (const name of SOURCES) expect(bySource.has(name), name).toBe(true);
  });

  it('answers hostile document ids with a document or a one-line not-found, never a source failure', async () => {
    const edges = UNICODE_EDGES.filter((edge) => !hasLoneSurrogate(edge));
    const nativeId = fc.oneof(
      fc.constantFrom(...HOSTILE_FRAGMENTS, ...edges, '../../etc/passwd', '../x', '/', '%2e%2e%2f', 'hb-1', 'es-deploy', '65602', 'deploy/deploy-runbook.md'),
      codeUnits(30)
        .map(toWellFormed)
        .filter((id) => id !== '.' && id !== '..'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SOURCES),
        nativeId.filter((id) => id.length > 0),
        async (source, id) => {
          const { result, tookMs } = await callTool('get_document', { document_id: `${source}:${id}`.slice(0, 2048) });
          expect(tookMs).toBeLessThan(5000);
          if (result.isError) expect(result.content[0]!.text, `${source}:${JSON.stringify(id)}`).toMatch(/^(?:NOT_FOUND|INVALID_ARGUMENT): /);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  // Found by this suite: the Elasticsearch connector put these ids in a URL path (a lone
  // surrogate made encodeURIComponent throw; "." and ".." were resolved away), reporting source
  // failures that counted toward the breaker. Now they are plain not-founds.
  it.each(['\ud800', '.', '..'])('answers the document id %j with a not-found from every source', async (id) => {
    for (const source of SOURCES) {
      const { result } = await callTool('get_document', { document_id: `${source}:${id}` });
      if (result.isError) expect(result.content[0]!.text, source).toMatch(/^(?:NOT_FOUND|INVALID_ARGUMENT): /);
    }
  });

  it('logged no unexpected failure for any of it', () => {
    expect(unexpectedFailures(built.logs)).toEqual([]);
  });
});
