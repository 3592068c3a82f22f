// Migration runner: applies the missing numbered SQL files of migrations/ in order, each in its
// own transaction, under a session advisory lock so two instances starting together don't race.
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeError } from '../contract/errors.js';
import { quoteIdent } from './identifiers.js';
import { inTransaction, type SqlClient } from './sql-client.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/** The repository's migrations/ folder, whether running from source or from dist/. */
export function findMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    dir = path.dirname(dir);
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, '001_documents.sql'))) return candidate;
  }
  throw new Error('migrations folder not found next to the installed code');
}

/** Numbered migrations, sorted; file names that break the pattern or repeat a number are errors. */
export async function loadMigrations(dir: string = findMigrationsDir()): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`migration file ${file}: expected NNN_name.sql`);
    migrations.push({ version: Number(match[1]), name: file.slice(0, -4), sql: await readFile(path.join(dir, file), 'utf8') });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i += 1) {
    if (migrations[i]!.version === migrations[i - 1]!.version) throw new Error(`two migrations numbered ${migrations[i]!.version}`);
  }
  return migrations;
}

export interface MigrateOptions {
  schema: string;
  signal: AbortSignal;
  migrations?: Migration[];
}

/** Applies what is missing; returns the names applied now (empty when up to date). */
export async function migrate(client: SqlClient, options: MigrateOptions): Promise<string[]> {
  const migrations = options.migrations ?? (await loadMigrations());
  const schema = quoteIdent(options.schema);
  const { signal } = options;
  return client.withSession(async (session) => {
    const lockKey = `knowledge-mcp:migrate:${options.schema}`;
    await session.query('SELECT pg_advisory_lock(hashtextextended($1::text, 0))', [lockKey], signal);
    try {
      await session.exec(
        `CREATE SCHEMA IF NOT EXISTS ${schema};
         CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        signal,
      );
      const rows = await session.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`, [], signal);
      const done = new Set(rows.map((row) => Number(row.version)));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        try {
          await inTransaction(
            session,
            async () => {
              // Bulk work, once: the pooled sessions' statement timeout (sized for searches) would
              // roll back a migration that rebuilds a large source's data (004: ~40 s at 100k).
              await session.exec(`SET LOCAL search_path TO ${schema}; SET LOCAL statement_timeout = 0`, signal);
              await session.exec(migration.sql, signal);
              await session.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name], signal);
            },
            signal,
          );
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          // The database's own words (schemas, roles) are for the operator, not for agents.
          throw new KnowledgeError('INTERNAL', `migration ${migration.name} failed: ${detail}`, { cause: error, expose: false });
        }
        applied.push(migration.name);
      }
      return applied;
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtextextended($1::text, 0))', [lockKey], new AbortController().signal).catch(() => undefined);
    }
  }, signal);
}
