// Shared setup for the Postgres integration tests: the local server (skipped with a reason when
// it isn't there), a schema per test file, and a PGlite directory per test file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
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
