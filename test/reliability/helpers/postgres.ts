// The machine's Postgres for reliability tests: reachability, a private schema per test (never a
// shared one), a connection URL tagged with its own application_name so that exactly this
// test's backends can be terminated, and read-outs of a source's stored state.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when reachable, else the one-line reason a test prints when it skips. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `Postgres not reachable at ${PG_URL} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** PG_URL with `application_name` set (pg lets the URL win over the pool's own setting). */
export function urlWithApplicationName(applicationName: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

export function adminClient(): pg.Pool {
  return new pg.Pool({ connectionString: PG_URL, max: 2 });
}

/** Kills every backend of `applicationName`; resolves how many there were. */
export async function terminateBackends(admin: pg.Pool, applicationName: string): Promise<number> {
  const { rows } = await admin.query<{ terminated: boolean }>(
    'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
    [applicationName],
  );
  return rows.filter((row) => row.terminated).length;
}

/** Waits until the service holds at least one connection again (it reconnects by itself); false on timeout. */
export async function waitForBackends(admin: pg.Pool, applicationName: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    if ((rows[0]?.n ?? 0) > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

export async function dropSchema(admin: pg.Pool, schema: string): Promise<void> {
  if (!/^kmcp_reliability_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop ${schema}`);
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Anything that runs SQL: a pg pool, or PGlite. */
export interface SqlRunner {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SourceState {
  documents: number;
  postings: number;
  /** Terms with df > 0 (retracted terms keep a row with df 0). */
  terms: number;
  docCount: number;
  totalLength: number;
  /** sha256 over every document's id, title, body, url, updated_at, metadata and content hash. */
  contentHash: string;
  /** sha256 over every (term, df) and every (document id, term, tf): the whole BM25 index. */
  indexHash: string;
}

/** What a source holds, in a form two runs can be compared by (ids and identities left out). */
export async function readSourceState(db: SqlRunner, schema: string, source: string): Promise<SourceState> {
  const s = `"${schema}"`;
  const docs = await db.query<{
    id: string;
    title: string;
    body: string;
    url: string | null;
    updated_at: Date | string | null;
    metadata: unknown;
    content_hash: string;
  }>(`SELECT id, title, body, url, updated_at, metadata, content_hash FROM ${s}.documents WHERE source = $1 ORDER BY id`, [source]);
  const terms = await db.query<{ term: string; df: number }>(`SELECT term, df FROM ${s}.terms WHERE source = $1 AND df > 0 ORDER BY term`, [source]);
  const postings = await db.query<{ id: string; term: string; tf: number; length: number }>(
    `SELECT d.id, t.term, p.tf, p.length FROM ${s}.postings p JOIN ${s}.documents d ON d.doc_key = p.doc_key JOIN ${s}.terms t ON t.term_id = p.term_id
     WHERE d.source = $1 ORDER BY d.id, t.term`,
    [source],
  );
  const stats = await db.query<{ doc_count: string | number; total_length: string | number }>(
    `SELECT doc_count, total_length FROM ${s}.source_stats WHERE source = $1`,
    [source],
  );
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return {
    documents: docs.rows.length,
    postings: postings.rows.length,
    terms: terms.rows.length,
    docCount: Number(stats.rows[0]?.doc_count ?? 0),
    totalLength: Number(stats.rows[0]?.total_length ?? 0),
    contentHash: hash(
      docs.rows.map((d) => [d.id, d.title, d.body, d.url, d.updated_at === null ? null : new Date(d.updated_at).toISOString(), d.metadata, d.content_hash]),
    ),
    indexHash: hash([terms.rows.map((t) => [t.term, Number(t.df)]), postings.rows.map((p) => [p.id, p.term, Number(p.tf), Number(p.length)])]),
  };
}

/**
 * Invariants a committed state always satisfies; a half-written batch breaks one of them.
 * Returns the broken ones (empty when consistent).
 */
export async function brokenInvariants(db: SqlRunner, schema: string, source: string): Promise<string[]> {
  const s = `"${schema}"`;
  const checks: Array<[string, string]> = [
    [
      'doc_count = number of documents',
      `SELECT (SELECT coalesce(max(doc_count), 0) FROM ${s}.source_stats WHERE source = $1) = (SELECT count(*) FROM ${s}.documents WHERE source = $1) AS ok`,
    ],
    [
      'total_length = sum of lengths',
      `SELECT (SELECT coalesce(max(total_length), 0) FROM ${s}.source_stats WHERE source = $1) = (SELECT coalesce(sum(length), 0) FROM ${s}.documents WHERE source = $1) AS ok`,
    ],
    [
      'df = postings per term',
      `SELECT NOT EXISTS (SELECT 1 FROM ${s}.terms t WHERE t.source = $1 AND t.df <> (SELECT count(*) FROM ${s}.postings p WHERE p.term_id = t.term_id)) AS ok`,
    ],
    [
      'every posting belongs to a document',
      `SELECT NOT EXISTS (SELECT 1 FROM ${s}.postings p JOIN ${s}.terms t ON t.term_id = p.term_id LEFT JOIN ${s}.documents d ON d.doc_key = p.doc_key
         WHERE t.source = $1 AND d.doc_key IS NULL) AS ok`,
    ],
    [
      'term_ids = the document’s postings',
      `SELECT NOT EXISTS (SELECT 1 FROM ${s}.documents d WHERE d.source = $1 AND d.term_ids IS DISTINCT FROM
         (SELECT coalesce(array_agg(p.term_id ORDER BY p.term_id), '{}') FROM ${s}.postings p WHERE p.doc_key = d.doc_key)) AS ok`,
    ],
  ];
  const broken: string[] = [];
  for (const [name, sql] of checks) {
    const { rows } = await db.query<{ ok: boolean }>(sql, [source]);
    if (rows[0]?.ok !== true) broken.push(name);
  }
  return broken;
}
