// npm run bench:postgres — Postgres BM25 at 5k, 100k and (with --1m) 1M documents: SciFact, then
// variations of it (bench/postgres/scaled-corpus.ts). In the same run, on the same corpus and the
// training queries: the connector (what search_documents runs: tf blocks summed in
// JavaScript), the exhaustive statement alone (every posting scored in SQL: the baseline and the
// exact reference), and Xapian's BM25 as the anchor.
// Prints p50/p99, ratios, top-10 agreement, nDCG@10 and ingest throughput; writes JSON.
// Usage: tsx bench/postgres-latency.ts [--1m] [--queries N] [--reuse] [--database-url URL] [--scifact DIR]
//   --reuse keeps the bench schemas between runs (a 100k ingest takes minutes) and reports the
//   ingest figures measured when they were made. --xapian-up-to N skips the anchor above N documents.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import type { Connector } from '../connectors/contract/types.js';
import { buildExhaustiveSearchSql, searchParams, UNFILTERED_OWN_STATISTICS } from '../connectors/postgres/bm25-sql.js';
import { SESSION_OPTIONS } from '../connectors/postgres/pg-client.js';
import { cleanQueryText } from '../connectors/postgres/snippet.js';
import { asAsync, scaledCorpus } from './postgres/scaled-corpus.js';
import { ndcgAt, percentile } from './relevance/metrics.js';
import { dropSchema, startPostgresSource } from './relevance/postgres-rows.js';
import { writeResults } from './relevance/report.js';
import { DEFAULT_SCIFACT_DIR, loadScifact, type BenchQuery, type Qrels } from './relevance/scifact.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    queries: { type: 'string' },
    '1m': { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    /** Index Xapian only up to this many documents (its Python indexing is slow on a busy machine). */
    'xapian-up-to': { type: 'string' },
    scifact: { type: 'string', default: DEFAULT_SCIFACT_DIR },
  },
});
const url = values['database-url'];
const log = (line: string) => process.stderr.write(`${line}\n`);
const XAPIAN_PYTHON = '/usr/bin/python3';
const XAPIAN_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'postgres/xapian_bm25.py');

const data = await loadScifact(values.scifact);
const queries = data.queries.slice(0, values.queries ? Number(values.queries) : data.queries.length);
const sizes = values.sizes ? values.sizes.split(',').map(Number) : [data.corpus.length, 100_000, ...(values['1m'] ? [1_000_000] : [])];

interface Timing {
  p50: number;
  p99: number;
}
interface SizeRow {
  documents: number;
  ingestSeconds: number | null;
  ingestDocsPerSecond: number | null;
  connector: Timing;
  exhaustiveSql: Timing;
  /** Share of queries whose top 10 (ids, order, scores to 1e-9) equals the exhaustive statement's. */
  identicalTop10: number;
  ndcg10: { connector: number; exhaustive: number; xapian: number | null };
  xapian: (Timing & { indexSeconds: number }) | null;
}

function timing(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function meanNdcg(results: string[][], list: readonly BenchQuery[], qrels: Qrels): number {
  const scores = list.map((query, index) => ndcgAt(results[index] ?? [], qrels.get(query.id) ?? new Map(), 10));
  return scores.reduce((sum, value) => sum + value, 0) / Math.max(scores.length, 1);
}

async function xapianAvailable(): Promise<string | null> {
  if (!existsSync(XAPIAN_PYTHON)) return `${XAPIAN_PYTHON} not found`;
  try {
    await promisify(execFile)(XAPIAN_PYTHON, ['-c', 'import xapian']);
    return null;
  } catch {
    return 'python3-xapian is not installed (apt-get install -y python3-xapian)';
  }
}

async function writeCorpusFile(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  for (const doc of scaledCorpus(data.corpus, size)) {
    if (!out.write(`${JSON.stringify({ _id: doc.id, title: doc.title, text: doc.text })}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function runXapian(size: number, dir: string): Promise<{ timing: Timing & { indexSeconds: number }; results: string[][] }> {
  const corpusFile = path.join(dir, `corpus-${size}.jsonl`);
  const queriesFile = path.join(dir, 'queries.jsonl');
  await writeCorpusFile(corpusFile, size);
  await writeFile(queriesFile, queries.map((query) => JSON.stringify({ _id: query.id, text: query.text })).join('\n'));
  const { stdout } = await promisify(execFile)(XAPIAN_PYTHON, [XAPIAN_SCRIPT, corpusFile, queriesFile, path.join(dir, `xapian-${size}`)], {
    maxBuffer: 256 << 20,
  });
  const result = JSON.parse(stdout) as { index_seconds: number; times_ms: number[]; results: string[][] };
  await rm(corpusFile, { force: true });
  return { timing: { ...timing(result.times_ms), indexSeconds: result.index_seconds }, results: result.results };
}

/** The bench schema of this size, ingested now or (with --reuse) earlier; ingest seconds when known. */
async function prepareSchema(admin: pg.Client, size: number): Promise<{ source: Connector; schema: string; ingestSeconds: number | null }> {
  const schema = `bench_pg_${size}`;
  if (values.reuse) {
    const found = await admin
      .query(`SELECT s.doc_count::int AS n, m.seconds FROM "${schema}".source_stats s LEFT JOIN "${schema}".bench_ingest m ON m.documents = s.doc_count`)
      .catch(() => ({ rows: [] as Array<{ n: number; seconds: number | null }> }));
    const row = found.rows[0] as { n: number; seconds: number | null } | undefined;
    if (row && Number(row.n) === size) {
      log(`${schema}: reusing ${size} documents`);
      return {
        source: await startPostgresSource({ name: 'scifact', url, schema, statement_timeout_ms: 600_000 }, tmpdir()),
        schema,
        ingestSeconds: row.seconds === null ? null : Number(row.seconds),
      };
    }
  }
  await dropSchema(url, schema);
  const source = await startPostgresSource({ name: 'scifact', url, schema, statement_timeout_ms: 600_000 }, tmpdir());
  const started = performance.now();
  let last = started;
  await source.ingest!(asAsync(scaledCorpus(data.corpus, size)), {
    signal: AbortSignal.timeout(6 * 3600_000),
    onProgress: (done) => {
      if (performance.now() - last > 30_000) {
        last = performance.now();
        log(`${schema}: ${done} documents, ${(done / ((last - started) / 1000)).toFixed(0)}/s`);
      }
    },
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  await admin.query(`CREATE TABLE IF NOT EXISTS "${schema}".bench_ingest (documents bigint PRIMARY KEY, seconds float8)`);
  await admin.query(`INSERT INTO "${schema}".bench_ingest VALUES ($1, $2) ON CONFLICT (documents) DO UPDATE SET seconds = excluded.seconds`, [
    size,
    ingestSeconds,
  ]);
  log(`${schema}: ingested ${size} documents in ${ingestSeconds.toFixed(0)} s`);
  return { source, schema, ingestSeconds };
}

type Top = Array<{ id: string; score: number }>;
interface Measured {
  timing: Timing;
  rows: Top[];
}

/** One way of answering a query, timed by `timeInterleaved`. */
interface Runner {
  name: string;
  run: (query: BenchQuery) => Promise<Top>;
}

function sqlRunner(client: pg.Client, name: string, text: string): Runner {
  return {
    name,
    run: async (query) => {
      const values = searchParams({
        source: 'scifact',
        textSearchConfig: 'english',
        query: cleanQueryText(query.text),
        limit: 10,
        ...UNFILTERED_OWN_STATISTICS,
      });
      const result = await client.query({ name, text, values });
      return result.rows.map((row: { id: string; score: number }) => ({ id: row.id, score: Number(row.score) }));
    },
  };
}

function connectorRunner(source: Connector): Runner {
  return {
    name: 'connector',
    run: async (query) => {
      const hits = await source.search({ query: query.text, limit: 10, updatedAfter: null, signal: AbortSignal.timeout(120_000) });
      return hits.map((hit) => ({ id: hit.nativeId, score: hit.score }));
    },
  };
}

/**
 * Per query: every runner once untimed (so none pays for reading the query's pages into the
 * cache), then each timed, in an order that rotates from query to query.
 */
async function timeInterleaved(runners: readonly Runner[]): Promise<Measured[]> {
  const times = runners.map(() => [] as number[]);
  const rows = runners.map(() => [] as Top[]);
  for (const [index, query] of queries.entries()) {
    for (const runner of runners) await runner.run(query);
    for (let turn = 0; turn < runners.length; turn += 1) {
      const which = (index + turn) % runners.length;
      const started = performance.now();
      const top = await runners[which]!.run(query);
      times[which]!.push(performance.now() - started);
      rows[which]!.push(top);
    }
  }
  return runners.map((_, which) => ({ timing: timing(times[which]!), rows: rows[which]! }));
}

/** Same ids in the same order, scores equal to 1e-9 (sums in another order differ in the last bits). */
function sameTop(a: Array<{ id: string; score: number }>, b: Array<{ id: string; score: number }>): boolean {
  return a.length === b.length && a.every((hit, i) => hit.id === b[i]!.id && Math.abs(hit.score - b[i]!.score) <= 1e-9 * Math.max(1, hit.score));
}

const xapianMissing = await xapianAvailable();
if (xapianMissing) log(`Xapian anchor skipped: ${xapianMissing}`);
const admin = new pg.Client({ connectionString: url });
await admin.connect();
// The statements alone run with the connector's own session settings (generic plans, no JIT).
const sqlClient = new pg.Client({ connectionString: url, options: SESSION_OPTIONS });
await sqlClient.connect();
const work = await mkdtemp(path.join(tmpdir(), 'kmcp-bench-pg-'));
const rows: SizeRow[] = [];
try {
  for (const size of sizes) {
    const { source, schema, ingestSeconds } = await prepareSchema(admin, size);
    try {
      const [connector, exhaustive] = (await timeInterleaved([
        connectorRunner(source),
        sqlRunner(sqlClient, `bench_exhaustive_${size}`, buildExhaustiveSearchSql(schema, false)),
      ])) as [Measured, Measured];
      const ndcg = (measured: Measured) =>
        meanNdcg(
          measured.rows.map((top) => top.map((hit) => hit.id)),
          queries,
          data.qrels,
        );
      const xapian = xapianMissing || size > Number(values['xapian-up-to'] ?? Number.POSITIVE_INFINITY) ? null : await runXapian(size, work);
      const row: SizeRow = {
        documents: size,
        ingestSeconds,
        ingestDocsPerSecond: ingestSeconds === null ? null : size / ingestSeconds,
        connector: connector.timing,
        exhaustiveSql: exhaustive.timing,
        identicalTop10: connector.rows.filter((top, i) => sameTop(top, exhaustive.rows[i]!)).length / queries.length,
        ndcg10: {
          connector: ndcg(connector),
          exhaustive: ndcg(exhaustive),
          xapian: xapian ? meanNdcg(xapian.results, queries, data.qrels) : null,
        },
        xapian: xapian?.timing ?? null,
      };
      rows.push(row);
      log(`${size}: ${JSON.stringify(row)}`);
    } finally {
      await source.close();
    }
  }
} finally {
  await sqlClient.end();
  await admin.end();
  await rm(work, { recursive: true, force: true });
}

const f = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? '–' : value.toFixed(digits));
process.stdout.write(`SciFact training queries (${queries.length}), top 10, p50 / p99 in ms\n\n`);
process.stdout.write(
  '| documents | search_documents path (connector: tf blocks) | exhaustive SQL | Xapian BM25 | ours ÷ Xapian p50 | ours ÷ Xapian p99 | exhaustive ÷ ours p50 | identical top 10 | nDCG@10 ours / exhaustive / Xapian | ingest docs/s |\n|---|---|---|---|---|---|---|---|---|---|\n',
);
for (const r of rows) {
  const xapian = r.xapian ? `${f(r.xapian.p50)} / ${f(r.xapian.p99)}` : 'skipped';
  const vsXapian = (ours: number, anchor: number | undefined) => (anchor === undefined ? '–' : `${f(ours / anchor, 1)}×`);
  process.stdout.write(
    `| ${r.documents} | ${f(r.connector.p50)} / ${f(r.connector.p99)} | ${f(r.exhaustiveSql.p50)} / ${f(r.exhaustiveSql.p99)} | ${xapian} | ${vsXapian(
      r.connector.p50,
      r.xapian?.p50,
    )} | ${vsXapian(r.connector.p99, r.xapian?.p99)} | ${f(r.exhaustiveSql.p50 / r.connector.p50, 1)}× | ${(r.identicalTop10 * 100).toFixed(1)} % | ${f(
      r.ndcg10.connector,
      4,
    )} / ${f(r.ndcg10.exhaustive, 4)} / ${f(r.ndcg10.xapian, 4)} | ${f(r.ingestDocsPerSecond, 0)} |\n`,
  );
}
log(`written ${await writeResults('postgres-latency', { measured_at: new Date().toISOString(), queries: queries.length, rows })}`);
