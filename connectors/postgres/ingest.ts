// Ingest into the managed table: idempotent upsert by id in batches, one transaction each, so a
// failure never leaves a half-written batch; unchanged documents are skipped without writing.
import { KnowledgeError } from '../contract/errors.js';
import type { ConnectorContext, IngestDocument, IngestOptions, IngestSummary } from '../contract/types.js';
import { buildIngestSql } from './ingest-sql.js';
import { prepareDocument, type PreparedDocument } from './prepare-document.js';
import { inTransaction, throwIfAborted, type SqlClient, type SqlSession } from './sql-client.js';

export interface IngestTarget {
  client: SqlClient;
  schema: string;
  source: string;
  textSearchConfig: string;
  logger: ConnectorContext['logger'];
}

export interface PostgresIngestSummary extends IngestSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
}

type IngestSql = ReturnType<typeof buildIngestSql>;

/** One transaction holding the source's ingest lock (writers of one source take turns). */
function underIngestLock<T>(target: IngestTarget, signal: AbortSignal, work: (session: SqlSession, sql: IngestSql) => Promise<T>): Promise<T> {
  const sql = buildIngestSql(target.schema);
  return target.client.withSession(
    (session) =>
      inTransaction(
        session,
        async () => {
          await session.exec(sql.settings, signal);
          await session.query(sql.lock, [`knowledge-mcp:ingest:${target.schema}:${target.source}`], signal);
          return work(session, sql);
        },
        signal,
      ),
    signal,
  );
}

async function writeBatch(target: IngestTarget, batch: PreparedDocument[], signal: AbortSignal): Promise<BatchOutcome> {
  const byId = new Map(batch.map((doc) => [doc.id, doc])); // a repeated id: the last one wins
  const ids = [...byId.keys()];
  return underIngestLock(target, signal, async (session, sql) => {
    const existing = await session.query<{ id: string; revision: string; length: number }>(sql.existing, [target.source, ids], signal);
    const known = new Map(existing.map((row) => [row.id, row]));
    const changed = existing.filter((row) => row.revision !== byId.get(row.id)?.revision);
    const toWrite = [...byId.values()].filter((doc) => known.get(doc.id)?.revision !== doc.revision);
    const outcome = { inserted: toWrite.length - changed.length, updated: changed.length, unchanged: ids.length - toWrite.length };
    if (toWrite.length === 0) return outcome;
    if (changed.length > 0) await session.query(sql.retract, [target.source, changed.map((row) => row.id)], signal);
    const [written] = await session.query<{ total_length: number; impact_avgdl: number }>(
      sql.write,
      [target.source, JSON.stringify(toWrite), target.textSearchConfig],
      signal,
    );
    const removedLength = changed.reduce((sum, row) => sum + Number(row.length), 0);
    await session.query(
      sql.stats,
      [target.source, outcome.inserted, Number(written?.total_length ?? 0) - removedLength, Number(written?.impact_avgdl ?? 1)],
      signal,
    );
    return outcome;
  });
}

/**
 * An ingest that wrote at least this many documents, and at least this share of the source,
 * regroups the tf blocks afterwards (a term's blocks together: the block statement took 3.7
 * instead of 5.9 ms p50 at 100k; docs/benchmarks.md). Smaller ingests leave the layout as it is:
 * the copy rewrites the blocks of the whole schema (4.7 s at 100k documents).
 */
export const REGROUP_FROM = { documents: 10_000, share: 0.1 } as const;

/** `documentCount` is asked only when enough was written: most ingests (a demo's seed) never pay the query. */
export async function shouldRegroupBlocks(written: number, documentCount: () => Promise<number>): Promise<boolean> {
  return written >= REGROUP_FROM.documents && written >= REGROUP_FROM.share * (await documentCount());
}

async function documentCount(target: IngestTarget, signal: AbortSignal): Promise<number> {
  const sql = buildIngestSql(target.schema);
  const [row] = await target.client.query<{ n: number }>(sql.documentCount, [target.source], signal);
  return Number(row?.n ?? 0);
}

/** Regroups the tf blocks (see `regroupBlocks`), under this source's ingest lock. */
export async function regroupPostingBlocks(target: IngestTarget, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  await underIngestLock(target, signal, (session, sql) => session.exec(sql.regroupBlocks, signal));
  target.logger.info({ took_ms: Math.round(performance.now() - started) }, 'tf blocks regrouped by term');
}

/** A batch also ends at this much text, so a folder of huge files never builds one giant statement. */
const MAX_BATCH_CHARS = 8_000_000;
/**
 * Pauses before each further VACUUM when pages are not yet all-visible. The first is none: on
 * PGlite the first VACUUM after a write marks nothing and a second one at once marks everything
 * (it cost the demo's first start 2 s); a server with long transactions elsewhere needs the wait.
 */
const VACUUM_RETRY_DELAYS_MS = [0, 2000];

/**
 * VACUUM (ANALYZE) after writing, outside any transaction. On a busy server another session's
 * open snapshot can keep VACUUM from marking the new pages all-visible; then scoring falls back to
 * heap visits (several times slower) until autovacuum catches up, so try again a little later.
 */
export async function refreshVisibility(target: IngestTarget, signal: AbortSignal): Promise<void> {
  const sql = buildIngestSql(target.schema);
  try {
    for (let attempt = 0; ; attempt += 1) {
      await target.client.exec(sql.maintenance, signal);
      const [row] = await target.client.query<{ visible: number }>(sql.visibility, [], signal);
      if (Number(row?.visible ?? 1) >= 0.9) return;
      const delay = VACUUM_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        target.logger.warn(
          { visible: row?.visible },
          'postings not yet all-visible after VACUUM (long transactions elsewhere?); searches are slower until autovacuum runs',
        );
        return;
      }
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  } catch (error) {
    if (signal.aborted) throw error;
    // Only query speed depends on it; the documents are written.
    target.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'VACUUM ANALYZE after ingest failed');
  }
}

export async function ingestDocuments(
  target: IngestTarget,
  documents: AsyncIterable<IngestDocument>,
  options: IngestOptions & { batchSize: number },
): Promise<PostgresIngestSummary> {
  const { signal } = options;
  const summary: PostgresIngestSummary = { written: 0, failed: [], inserted: 0, updated: 0, unchanged: 0 };
  let batch: PreparedDocument[] = [];
  let batchChars = 0;
  let done = 0;
  let batchStart = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    try {
      const outcome = await writeBatch(target, batch, signal);
      summary.inserted += outcome.inserted;
      summary.updated += outcome.updated;
      summary.unchanged += outcome.unchanged;
      summary.written += outcome.inserted + outcome.updated;
    } catch (error) {
      if (signal.aborted) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new KnowledgeError('INGEST_FAILED', `batch of documents ${batchStart + 1}-${batchStart + batch.length} was not written: ${detail}`, {
        cause: error,
      });
    }
    done += batch.length;
    batchStart = done;
    batch = [];
    batchChars = 0;
    options.onProgress?.(done);
  };

  for await (const doc of documents) {
    throwIfAborted(signal);
    const prepared = prepareDocument(doc);
    if ('error' in prepared) {
      summary.failed.push({ id: String(doc.id ?? ''), reason: prepared.error });
      continue;
    }
    batch.push(prepared);
    batchChars += prepared.title.length + prepared.body.length;
    if (batch.length >= options.batchSize || batchChars >= MAX_BATCH_CHARS) await flush();
  }
  await flush();

  if (summary.written > 0) {
    if (await shouldRegroupBlocks(summary.written, () => documentCount(target, signal))) await regroupPostingBlocks(target, signal);
    await refreshVisibility(target, signal);
  }
  return summary;
}
