// Shared setup for the Postgres integration tests: the local server (skipped with a reason when
// it isn't there), a schema per test file, a PGlite directory per test file, and the check that
// the posting blocks hold exactly the postings rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { allDocuments, decodeBlocks } from '../../../connectors/postgres/block-scores.js';
import { searchParams, type SearchParams } from '../../../connectors/postgres/bm25-sql.js';
import type { ConnectorContext, IngestDocument } from '../../../connectors/contract/types.js';
import { postgresFactory, type PostgresSourceConfig } from '../../../connectors/postgres/index.js';

/** The machine's Postgres (DESIGN §9); tests use their own schema in it. */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export const quietLogger: ConnectorContext['logger'] = { debug() {}, info() {}, warn() {}, error() {} };

/** Null when the server answers, else the one-line reason to skip. */
export async function postgresSkipReason(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `no Postgres at ${url} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function uniqueSchema(prefix: string): string {
  return `pgconn_${prefix}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}

export async function sql(text: string, params: unknown[] = [], url = TEST_DATABASE_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `kmcp-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function createPostgresConnector(entry: Record<string, unknown>, dataDir = tmpdir()) {
  const config: PostgresSourceConfig = postgresFactory.configSchema.parse({ kind: 'postgres', ...entry });
  return postgresFactory.create(config, { logger: quietLogger, dataDir, env: { KMCP_TEST_DB: TEST_DATABASE_URL } });
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export const signal = () => AbortSignal.timeout(30_000);

export type { IngestDocument };

/**
 * posting_blocks, read as the connector reads them, hold exactly the rows of postings: each block
 * the postings of its term and 1,024 doc_keys, none missing, none left over. Checked through
 * allDocuments with weight 1 and c1 = 0 per term and block, which gives tf / (tf + 1) per document:
 * compared with the same from the rows.
 */
export async function expectBlocksMirrorPostings(schema: string): Promise<void> {
  const { rows: blocks } = await sql(`SELECT term_id, block, postings FROM "${schema}".posting_blocks`);
  const { rows: postings } = await sql(`SELECT term_id, doc_key >> 10 AS block, doc_key, tf, length FROM "${schema}".postings`);
  const fromBlocks = blocks.flatMap((row: { term_id: number; block: number; postings: string }) => {
    const { keys, scores } = allDocuments([{ weight: 1, c0: 1, c1: 0, blocks: decodeBlocks(row.postings) }]);
    return [...keys].map((key, index) => `${row.term_id}:${row.block}:${key}:${scores[index]!.toFixed(12)}`);
  });
  const fromRows = postings.map(
    (row: { term_id: number; block: number; doc_key: number; tf: number }) =>
      `${row.term_id}:${row.block}:${row.doc_key}:${(row.tf / (row.tf + 1)).toFixed(12)}`,
  );
  expect(blocks.length).toBeGreaterThan(0);
  expect(fromBlocks.sort()).toEqual(fromRows.sort());
  // lengths: the same check with c0 = 0, c1 = 1, which gives tf / (tf + length)
  const withLengths = blocks.flatMap((row: { term_id: number; postings: string }) => {
    const { keys, scores } = allDocuments([{ weight: 1, c0: 0, c1: 1, blocks: decodeBlocks(row.postings) }]);
    return [...keys].map((key, index) => `${row.term_id}:${key}:${scores[index]!.toFixed(12)}`);
  });
  const rowsWithLengths = postings.map(
    (row: { term_id: number; doc_key: number; tf: number; length: number }) => `${row.term_id}:${row.doc_key}:${(row.tf / (row.tf + row.length)).toFixed(12)}`,
  );
  expect(withLengths.sort()).toEqual(rowsWithLengths.sort());
}

/** The search statements' parameters for `source`: English, its own statistics, no filter, unless overridden. */
export function plainSearchParams(source: string, query: string, limit: number, overrides: Partial<SearchParams> = {}): unknown[] {
  return searchParams({
    source,
    textSearchConfig: 'english',
    query,
    limit,
    updatedAfter: null,
    principals: null,
    docCount: null,
    avgdl: null,
    words: null,
    dfs: null,
    ...overrides,
  });
}
