// Search latency of the postgres connector (BM25 + snippets) at 5k SciFact documents and at
// ~100k (the corpus replicated with new ids), for natural, common-term and rare-term queries,
// beside the baseline measured in the same run: ts_rank over OR-ed terms on a GIN index.
// Usage: tsx bench/postgres-latency.ts [--database-url URL] [--copies 20] [--queries 100] [--no-pglite]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Connector, IngestDocument } from '../connectors/contract/types.js';
import { dropSchema, ingestTimed, startPostgresSource } from './relevance/postgres-rows.js';
import { percentile } from './relevance/metrics.js';
import { writeResults } from './relevance/report.js';
import { DEFAULT_SCIFACT_DIR, loadScifact } from './relevance/scifact.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    copies: { type: 'string', default: '20' },
    queries: { type: 'string', default: '100' },
    'no-pglite': { type: 'boolean', default: false },
    scifact: { type: 'string', default: DEFAULT_SCIFACT_DIR },
  },
});
const url = values['database-url'];
const copies = Number(values.copies);
const perSet = Number(values.queries);
const schema = 'bench_latency';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Deterministic pseudo-random numbers so every run asks the same queries. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

interface QuerySets {
  natural: string[];
  common: string[];
  rare: string[];
}

/** Common: 4 of the 60 most frequent terms; rare: 2 terms found in 2–5 documents. */
async function buildQuerySets(client: pg.Client, natural: string[]): Promise<QuerySets> {
  const stable = `SELECT term FROM "${schema}".terms WHERE source = 'scifact' AND term ~ '^[a-z]{4,}$'
    AND (SELECT array_agg(lexeme) FROM unnest(to_tsvector('english', term))) = ARRAY[term] AND %s ORDER BY %s LIMIT %s`;
  const common = (await client.query(stable.replace('%s', 'true').replace('%s', 'df DESC').replace('%s', '60'))).rows.map((r) => r.term as string);
  const rare = (await client.query(stable.replace('%s', 'df BETWEEN 2 AND 5').replace('%s', 'term').replace('%s', '2000'))).rows.map((r) => r.term as string);
  const next = random(42);
  const pick = (pool: string[], n: number) => Array.from({ length: n }, () => pool[Math.floor(next() * pool.length)]!).join(' ');
  return {
    natural: natural.slice(0, perSet),
    common: Array.from({ length: perSet }, () => pick(common, 4)),
    rare: Array.from({ length: perSet }, () => pick(rare, 2)),
  };
}

async function timeQueries(connector: Connector, queries: string[]): Promise<{ p50: number; p95: number }> {
  for (const query of queries.slice(0, 10)) await connector.search({ query, limit: 10, updatedAfter: null, signal: AbortSignal.timeout(60_000) });
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await connector.search({ query, limit: 10, updatedAfter: null, signal: AbortSignal.timeout(60_000) });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function createBaselineTable(client: pg.Client): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS "${schema}".baseline`);
  await client.query(`CREATE TABLE "${schema}".baseline AS SELECT id, title, body, url, updated_at,
    to_tsvector('english', title || ' ' || body) AS tsv FROM "${schema}".documents WHERE source = 'scifact'`);
  await client.query(`CREATE INDEX ON "${schema}".baseline USING gin (tsv)`);
  await client.query(`VACUUM ANALYZE "${schema}".baseline`);
}

interface Row {
  setup: string;
  docs: number;
  set: keyof QuerySets;
  p50Ms: number;
  p95Ms: number;
}

const rows: Row[] = [];
const ingests: Array<{ setup: string; docs: number; seconds: number }> = [];

async function measure(setup: string, docs: number, connector: Connector, sets: QuerySets, limit = perSet): Promise<void> {
  for (const set of ['natural', 'common', 'rare'] as const) {
    const { p50, p95 } = await timeQueries(connector, sets[set].slice(0, limit));
    rows.push({ setup, docs, set, p50Ms: p50, p95Ms: p95 });
    log(`${setup} @ ${docs}: ${set} p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);
  }
}

const data = await loadScifact(values.scifact);
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await dropSchema(url, schema);
const bm25 = await startPostgresSource({ name: 'scifact', url, schema }, tmpdir());
const baselineSource = {
  name: 'baseline',
  url,
  table: { schema, name: 'baseline', columns: { id: 'id', title: 'title', body: 'body', url: 'url', updated_at: 'updated_at', tsvector: 'tsv' } },
};
try {
  const ingestMs = await ingestTimed(bm25, data.corpus);
  ingests.push({ setup: 'pg', docs: data.corpus.length, seconds: ingestMs / 1000 });
  log(`pg: ingested ${data.corpus.length} in ${(ingestMs / 1000).toFixed(1)} s`);
  const sets = await buildQuerySets(
    admin,
    data.queries.map((q) => q.text),
  );
  await createBaselineTable(admin);
  const baseline = await startPostgresSource(baselineSource, tmpdir());
  await measure('pg · BM25', data.corpus.length, bm25, sets);
  await measure('pg · baseline ts_rank OR', data.corpus.length, baseline, sets);
  await baseline.close();

  if (values['no-pglite'] === false) {
    const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-latency-pglite-'));
    try {
      const lite = await startPostgresSource({ name: 'scifact', data_dir: dir }, dir);
      const liteMs = await ingestTimed(lite, data.corpus);
      ingests.push({ setup: 'PGlite', docs: data.corpus.length, seconds: liteMs / 1000 });
      await measure('PGlite · BM25', data.corpus.length, lite, sets, Math.min(perSet, 50));
      await lite.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  if (copies > 1) {
    const replicas: IngestDocument[] = [];
    for (let copy = 1; copy < copies; copy += 1) for (const doc of data.corpus) replicas.push({ ...doc, id: `${doc.id}~${copy}` });
    const moreMs = await ingestTimed(bm25, replicas);
    const total = data.corpus.length * copies;
    ingests.push({ setup: 'pg (adding replicas)', docs: replicas.length, seconds: moreMs / 1000 });
    log(`pg: ingested ${replicas.length} more in ${(moreMs / 1000).toFixed(1)} s`);
    await createBaselineTable(admin);
    const baseline = await startPostgresSource(baselineSource, tmpdir());
    await measure('pg · BM25', total, bm25, sets);
    await measure('pg · baseline ts_rank OR', total, baseline, sets, Math.min(perSet, 30));
    await baseline.close();
  }
} finally {
  await bm25.close();
  await admin.end();
  await dropSchema(url, schema);
}

const header = '| setup | documents | queries | p50 ms | p95 ms |\n|---|---|---|---|---|';
process.stdout.write(`${header}\n${rows.map((r) => `| ${r.setup} | ${r.docs} | ${r.set} | ${r.p50Ms.toFixed(2)} | ${r.p95Ms.toFixed(2)} |`).join('\n')}\n\n`);
process.stdout.write(`${ingests.map((i) => `ingest ${i.setup}: ${i.docs} documents in ${i.seconds.toFixed(1)} s`).join('\n')}\n`);
const file = await writeResults('postgres-latency', { measured_at: new Date().toISOString(), per_set: perSet, rows, ingests });
log(`written ${file}`);
