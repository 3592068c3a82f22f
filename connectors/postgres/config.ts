// Config of a `postgres` source: a server (`url`/`url_env`) or, when neither is given, embedded
// PGlite under the data dir; a managed `documents` table, or an existing table read-only.
import path from 'node:path';
import { z } from 'zod';
import { baseSourceSchema, resolveSecret } from '../contract/source-config.js';
import { IDENTIFIER_PATTERN } from './identifiers.js';

const identifier = z.string().regex(IDENTIFIER_PATTERN, 'a plain SQL identifier: letter or _, then letters, digits, _ or $');

/** Column mapping of an existing table or view (read-only mode). */
export const tableMappingSchema = z
  .object({
    schema: identifier.optional(),
    name: identifier,
    columns: z
      .object({
        id: identifier,
        title: identifier,
        body: identifier,
        url: identifier.optional(),
        updated_at: identifier.optional(),
        /** An existing tsvector column (ideally GIN-indexed) to match against instead of computing one per row. */
        tsvector: identifier.optional(),
      })
      .strict(),
  })
  .strict();

export const postgresSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('postgres'),
    /** Connection URL; absent (with url_env) means embedded PGlite. */
    url: z.string().min(1).optional(),
    /** Name of the environment variable holding the URL (keeps passwords out of config files). */
    url_env: z.string().min(1).optional(),
    /** Schema holding the managed tables (created by the migrations). */
    schema: identifier.default('knowledge_mcp'),
    /** Read-only mode: search this table or view instead of the managed documents. */
    table: tableMappingSchema.optional(),
    /** Text search configuration for stemming and stop words. */
    text_search_config: identifier.default('english'),
    pool_size: z.number().int().min(1).max(100).default(10),
    statement_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    connect_timeout_ms: z.number().int().min(100).max(120_000).default(5_000),
    /** Apply missing migrations at start (managed mode). */
    migrate: z.boolean().default(true),
    /** PGlite data directory; default `<dataDir>/pglite`. */
    data_dir: z.string().min(1).optional(),
    pglite_shared_buffers_mb: z.number().int().min(1).max(4096).default(16),
    ingest_batch_size: z.number().int().min(1).max(10_000).default(500),
  })
  .strict()
  .refine((value) => !(value.url !== undefined && value.url_env !== undefined), {
    message: 'give either url or url_env, not both',
    path: ['url_env'],
  })
  .refine((value) => !(value.table !== undefined && value.seed_file !== undefined), {
    message: 'seed_file needs the managed table; a mapped table is read-only',
    path: ['seed_file'],
  });

export type PostgresSourceConfig = z.infer<typeof postgresSourceSchema>;

export type PostgresTarget = { backend: 'pg'; connectionString: string } | { backend: 'pglite'; dataDir: string };

/** Where this source's database is: the server URL, or the embedded PGlite directory. */
export function resolveTarget(config: PostgresSourceConfig, env: Record<string, string | undefined>, dataDir: string): PostgresTarget {
  if (config.url_env !== undefined) {
    const url = resolveSecret(undefined, config.url_env, env);
    if (!url) throw new Error(`source ${config.name}: environment variable ${config.url_env} is not set`);
    return { backend: 'pg', connectionString: url };
  }
  if (config.url !== undefined) return { backend: 'pg', connectionString: config.url };
  return { backend: 'pglite', dataDir: path.resolve(config.data_dir ?? path.join(dataDir, 'pglite')) };
}
