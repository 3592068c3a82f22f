// Shared setup for the Postgres integration tests: the local server (skipped with a reason when
// it isn't there), a schema per test file, a PGlite directory per test file, and the check that
// the tf and length blocks hold exactly the postings rows and documents' lengths.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { allDocuments, decodeBlocks } from '../../../connectors/postgres/block-scores.js';
import { DocumentLengths } from '../../../connectors/postgres/document-lengths.js';
import { searchParams, UNFILTERED_OWN_STATISTICS, type SearchParams } from '../../../connectors/postgres/bm25-sql.js';
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

export function createPostgresConnector(entry: Record<string, unknown>, dataDir = tmpdir(), logger: ConnectorContext['logger'] = quietLogger) {
  const config: PostgresSourceConfig = postgresFactory.configSchema.parse({ kind: 'postgres', ...entry });
  return postgresFactory.create(config, { logger, dataDir, env: { KMCP_TEST_DB: TEST_DATABASE_URL } });
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export const signal = () => AbortSignal.timeout(30_000);

export type { IngestDocument };

/**
 * tf_blocks and length_blocks, read as the connector reads them, hold exactly the rows of
 * postings and the documents' lengths: each block the postings of its term and 1,024 doc_keys,
 * none missing, none left over. Checked through allDocuments per block with weight 1, compared
 * with the same arithmetic on the rows.
 */
export async function expectBlocksMirrorPostings(schema: string): Promise<void> {
  const { rows: blocks } = await sql(`SELECT term_id, block, postings FROM "${schema}".tf_blocks`);
  const { rows: postings } = await sql(`SELECT term_id, doc_key, tf, length FROM "${schema}".postings`);
  const lengths = await heldLengths(schema);
  type BlockRow = { term_id: number; postings: string };
  type PostingRow = { term_id: number; doc_key: number; tf: number; length: number };
  // each block scored alone with weight 1: w·tf / (tf + c0 + c1·length), keyed by term and document
  const fromBlocks = (c0: number, c1: number) =>
    blocks.flatMap((row: BlockRow) => {
      const { keys, scores } = allDocuments([{ weight: 1, c0, c1, blocks: decodeBlocks(row.postings) }], lengths);
      return [...keys].map((key, index) => `${row.term_id}:${key}:${scores[index]!.toFixed(12)}`);
    });
  const fromRows = (c0: number, c1: number) =>
    postings.map((row: PostingRow) => `${row.term_id}:${row.doc_key}:${(row.tf / (row.tf + c0 + c1 * row.length)).toFixed(12)}`);
  expect(blocks.length).toBeGreaterThan(0);
  // tf / (tf + 1) tells tf; then tf / (tf + length) tells length
  expect(fromBlocks(1, 0).sort()).toEqual(fromRows(1, 0).sort());
  expect(fromBlocks(0, 1).sort()).toEqual(fromRows(0, 1).sort());
  // and each posting sits in the block of its doc_key
  const misplaced = blocks.filter((row: BlockRow & { block: number }) =>
    [...allDocuments([{ weight: 1, c0: 1, c1: 0, blocks: decodeBlocks(row.postings) }], lengths).keys].some((key) => key >> 10 !== row.block),
  );
  expect(misplaced).toEqual([]);
  // every document's length, not only those of documents with postings
  const { rows: documents } = await sql(`SELECT doc_key, length FROM "${schema}".documents`);
  expect(documents.filter((row: { doc_key: number; length: number }) => (lengths[row.doc_key] ?? 0) !== row.length)).toEqual([]);
}

/** The lengths a connector holds after reading every length block of the schema (doc_keys are the schema's). */
export async function heldLengths(schema: string): Promise<Uint32Array> {
  const { rows } = await sql(
    `SELECT source, max(generation)::float8 AS generation, string_agg(lengths, '' ORDER BY block) AS lengths FROM "${schema}".length_blocks GROUP BY source`,
  );
  const merged: number[] = [];
  for (const row of rows as Array<{ generation: number; lengths: string }>) {
    const held = new DocumentLengths();
    held.update({ table: 1, generation: row.generation, blocks: row.lengths });
    held.lengths.forEach((length, key) => {
      if (length !== 0) merged[key] = length;
    });
  }
  return Uint32Array.from(merged, (length) => length ?? 0);
}

/** The search statements' parameters for `source`: English, its own statistics, no filter, unless overridden. */
export function plainSearchParams(source: string, query: string, limit: number, overrides: Partial<SearchParams> = {}): unknown[] {
  return searchParams({ source, textSearchConfig: 'english', query, limit, ...UNFILTERED_OWN_STATISTICS, ...overrides });
}
