// The postgres connector alone on SciFact: managed BM25 on pg and on PGlite, and, as the
// baseline measured in the same run, the read-only mode (ts_rank over OR-ed terms) on pg.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Connector, ConnectorContext, IngestDocument } from '../../connectors/contract/types.js';
import { seedIfEmpty } from '../../src/composition/seed-source.js';
import { postgresFactory, type PostgresSourceConfig } from '../../connectors/postgres/index.js';
import { evaluateRanker, type Ranker } from './evaluate.js';
import type { RelevanceRow } from './report.js';
import type { Scifact } from './scifact.js';

export const silentLogger: ConnectorContext['logger'] = { debug() {}, info() {}, warn() {}, error() {} };

export async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** A started postgres connector from a raw config entry (validated by the real schema). */
export async function startPostgresSource(entry: Record<string, unknown>, dataDir: string): Promise<Connector> {
  const config: PostgresSourceConfig = postgresFactory.configSchema.parse({ kind: 'postgres', ...entry });
  const connector = postgresFactory.create(config, { logger: silentLogger, dataDir, env: {} });
  const signal = AbortSignal.timeout(120_000);
  await connector.start?.(signal);
  if (typeof entry.seed_file === 'string') await seedIfEmpty(connector, entry.seed_file, silentLogger, signal);
  return connector;
}

export function rankerOf(connector: Connector): Ranker {
  return async (query, limit) => {
    const hits = await connector.search({ query, limit, updatedAfter: null, signal: AbortSignal.timeout(30_000) });
    return hits.map((hit) => hit.nativeId);
  };
}

export async function ingestTimed(connector: Connector, docs: readonly IngestDocument[]): Promise<number> {
  const started = performance.now();
  await connector.ingest!(iterate(docs), { signal: AbortSignal.timeout(600_000) });
  return performance.now() - started;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface PostgresRowsOptions {
  /** Server to measure on; null skips the pg rows. */
  databaseUrl: string | null;
  schema?: string;
  /** Also measure embedded PGlite (slower to ingest). */
  pglite?: boolean;
  log?: (line: string) => void;
}

export async function measurePostgresRows(data: Scifact, options: PostgresRowsOptions): Promise<RelevanceRow[]> {
  const rows: RelevanceRow[] = [];
  const log = options.log ?? (() => undefined);
  const schema = options.schema ?? 'bench_relevance';

  if (options.databaseUrl) {
    await dropSchema(options.databaseUrl, schema);
    const source = await startPostgresSource({ name: 'scifact', url: options.databaseUrl, schema }, tmpdir());
    try {
      const ingestMs = await ingestTimed(source, data.corpus);
      log(`pg: ingested ${data.corpus.length} documents in ${(ingestMs / 1000).toFixed(1)} s`);
      const score = await evaluateRanker(rankerOf(source), data.queries, data.qrels);
      rows.push({ name: 'postgres (pg) · BM25', ndcg10: score.ndcg10, recall100: score.recall100, queries: score.queries, p50Ms: score.p50Ms, ingestMs });

      // Baseline: the same rows in a plain table with a GIN-indexed tsvector column, searched
      // through the read-only mode (what "Postgres full-text search" usually means).
      const admin = new pg.Client({ connectionString: options.databaseUrl });
      await admin.connect();
      await admin.query(`CREATE TABLE "${schema}".scifact_table AS
        SELECT id, title, body, url, updated_at, to_tsvector('english', title || ' ' || body) AS tsv
        FROM "${schema}".documents WHERE source = 'scifact'`);
      await admin.query(`CREATE INDEX ON "${schema}".scifact_table USING gin (tsv)`);
      await admin.query(`ANALYZE "${schema}".scifact_table`);
      await admin.end();
      const table = await startPostgresSource(
        {
          name: 'scifact_table',
          url: options.databaseUrl,
          table: { schema, name: 'scifact_table', columns: { id: 'id', title: 'title', body: 'body', url: 'url', updated_at: 'updated_at', tsvector: 'tsv' } },
        },
        tmpdir(),
      );
      try {
        const baseline = await evaluateRanker(rankerOf(table), data.queries, data.qrels);
        rows.push({
          name: 'postgres (pg) · mapped table',
          ndcg10: baseline.ndcg10,
          recall100: baseline.recall100,
          queries: baseline.queries,
          p50Ms: baseline.p50Ms,
          note: 'baseline: ts_rank over OR-ed terms, GIN index',
        });
      } finally {
        await table.close();
      }
    } finally {
      await source.close();
      await dropSchema(options.databaseUrl, schema);
    }
  }

  if (options.pglite ?? true) {
    const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-bench-pglite-'));
    try {
      const startedAt = performance.now();
      const source = await startPostgresSource({ name: 'scifact', data_dir: dir }, dir);
      log(`pglite: created and migrated in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      try {
        const ingestMs = await ingestTimed(source, data.corpus);
        log(`pglite: ingested ${data.corpus.length} documents in ${(ingestMs / 1000).toFixed(1)} s`);
        const score = await evaluateRanker(rankerOf(source), data.queries, data.qrels);
        rows.push({ name: 'postgres (PGlite) · BM25', ndcg10: score.ndcg10, recall100: score.recall100, queries: score.queries, p50Ms: score.p50Ms, ingestMs });
      } finally {
        await source.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
