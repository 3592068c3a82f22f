// The pg SqlClient and the migration runner against the local server: abort really cancels the
// backend query, the statement timeout maps to SOURCE_TIMEOUT, and concurrent migrations don't race.
import { afterAll, describe, expect, it } from 'vitest';
import { createPgClient } from '../../../connectors/postgres/pg-client.js';
import { loadMigrations, migrate } from '../../../connectors/postgres/migrate.js';
import { toSourceError } from '../../../connectors/postgres/errors.js';
import { dropSchema, postgresSkipReason, quietLogger, signal, sql, TEST_DATABASE_URL, uniqueSchema } from './helpers.js';

const skipReason = await postgresSkipReason();

describe.skipIf(skipReason !== null)(`pg client and migrations${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('migrate');
  const client = createPgClient({ connectionString: TEST_DATABASE_URL, poolSize: 3, statementTimeoutMs: 1500, connectTimeoutMs: 3000, logger: quietLogger });

  afterAll(async () => {
    await client.close();
    await dropSchema(schema);
  });

  it('cancels the backend query when the signal aborts', async () => {
    const marker = `kmcp_cancel_${Math.floor(Math.random() * 1e9)}`;
    const controller = new AbortController();
    const started = performance.now();
    const pending = client.query(`SELECT pg_sleep(1.2), '${marker}'`, [], controller.signal);
    setTimeout(() => controller.abort(), 150);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1000);
    // The cancel lands within moments; the backend must not still be sleeping.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`, [`%'${marker}'%`]);
    expect(rows[0].n).toBe(0);
    // The pool still works afterwards.
    expect(await client.query<{ one: number }>('SELECT 1 AS one', [], signal())).toEqual([{ one: 1 }]);
  });

  it('stops a runaway statement at the statement timeout, reported as SOURCE_TIMEOUT', async () => {
    const failure = await client.query('SELECT pg_sleep(3)', [], signal()).catch((error: unknown) => error);
    expect(toSourceError(failure, 'search', quietLogger)).toMatchObject({ code: 'SOURCE_TIMEOUT' });
  });

  it('reports an unreachable server as SOURCE_UNAVAILABLE', async () => {
    const nowhere = createPgClient({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      poolSize: 1,
      statementTimeoutMs: 1000,
      connectTimeoutMs: 500,
      logger: quietLogger,
    });
    const failure = await nowhere.query('SELECT 1', [], signal()).catch((error: unknown) => error);
    await nowhere.close();
    expect(toSourceError(failure, 'search', quietLogger)).toMatchObject({ code: 'SOURCE_UNAVAILABLE', message: 'postgres is unreachable' });
  });

  it('applies every migration once even when two instances start together', async () => {
    const other = createPgClient({ connectionString: TEST_DATABASE_URL, poolSize: 1, statementTimeoutMs: 5000, connectTimeoutMs: 3000, logger: quietLogger });
    try {
      const [a, b] = await Promise.all([migrate(client, { schema, signal: signal() }), migrate(other, { schema, signal: signal() })]);
      const all = (await loadMigrations()).map((m) => m.name);
      expect([...a, ...b].sort()).toEqual(all.sort());
      expect(await migrate(client, { schema, signal: signal() })).toEqual([]);
      const { rows } = await sql(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows.map((row) => row.name)).toEqual(all);
    } finally {
      await other.close();
    }
  });

  it('drops the impact index of a source made before migration 005, keeping its postings and impacts', async () => {
    const upgraded = uniqueSchema('upgrade');
    try {
      const all = await loadMigrations();
      const before005 = all.filter((m) => m.version < 5);
      await migrate(client, { schema: upgraded, signal: signal(), migrations: before005 });
      await sql(`INSERT INTO "${upgraded}".documents (source, id, title, body, content_hash, revision, length) VALUES ('s', 'a', 't', 'b', 'h', 'r', 3)`);
      await sql(`INSERT INTO "${upgraded}".terms (source, term, df, max_impact) VALUES ('s', 'otter', 1, 1.5)`);
      await sql(`INSERT INTO "${upgraded}".postings (term_id, doc_key, tf, length, impact)
                 SELECT t.term_id, d.doc_key, 2, 3, 1.5 FROM "${upgraded}".terms t, "${upgraded}".documents d`);
      const indexes = async () =>
        (await sql(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'postings' ORDER BY 1`, [upgraded])).rows.map(
          (row) => row.indexname,
        );
      expect(await indexes()).toEqual(['postings_by_impact', 'postings_pkey']);
      expect(await migrate(client, { schema: upgraded, signal: signal(), migrations: all })).toEqual(all.filter((m) => m.version >= 5).map((m) => m.name));
      expect(await indexes()).toEqual(['postings_pkey']);
      const { rows } = await sql(`SELECT tf, length, impact FROM "${upgraded}".postings`);
      expect(rows).toEqual([{ tf: 2, length: 3, impact: 1.5 }]);
    } finally {
      await dropSchema(upgraded);
    }
  });

  it('rolls a failing migration back and records nothing for it', async () => {
    const broken = [
      { version: 900, name: '900_good', sql: 'CREATE TABLE good_one (x int)' },
      { version: 901, name: '901_bad', sql: 'CREATE TABLE half_done (x int); SELECT * FROM no_such_table' },
    ];
    const failure = migrate(client, { schema, signal: signal(), migrations: broken });
    await expect(failure).rejects.toThrow(/migration 901_bad failed/);
    // The database's message names tables and roles: the operator's, never an agent's.
    await expect(failure).rejects.toMatchObject({ code: 'INTERNAL', expose: false });
    const { rows } = await sql(
      `SELECT to_regclass($1) AS good, to_regclass($2) AS half, (SELECT count(*)::int FROM "${schema}".schema_migrations WHERE version >= 900) AS recorded`,
      [`"${schema}".good_one`, `"${schema}".half_done`],
    );
    expect(rows[0]).toMatchObject({ half: null, recorded: 1 });
    expect(rows[0].good).not.toBeNull();
    // The advisory lock was released: another run goes through.
    await expect(migrate(client, { schema, signal: signal(), migrations: [] })).resolves.toEqual([]);
  });

  it('lets a migration run past the pooled statement timeout (a rebuild of a large source takes longer than a search may)', async () => {
    // this client's sessions time out after 1.5 s
    const slow = [{ version: 910, name: '910_slow', sql: 'SELECT pg_sleep(2); CREATE TABLE after_sleep (x int)' }];
    await expect(migrate(client, { schema, signal: signal(), migrations: slow })).resolves.toEqual(['910_slow']);
    const { rows } = await sql('SELECT to_regclass($1) AS made', [`"${schema}".after_sleep`]);
    expect(rows[0].made).not.toBeNull();
    // and the session handed back to the pool has its timeout again
    await expect(client.query('SELECT pg_sleep(3)', [], signal())).rejects.toThrow();
  });

  it('never JIT-compiles, even a statement whose estimated cost would make this server do it', async () => {
    const costly = 'EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(x) FROM generate_series(1, 200000) x';
    const jitOf = (rows: Array<Record<string, unknown>>) => (rows[0]?.['QUERY PLAN'] as Array<Record<string, unknown>> | undefined)?.[0]?.JIT;
    // A plain session on the same server, with every statement above the JIT threshold.
    const plain = await sql(`SET jit_above_cost = 0; ${costly}`).catch(() => null);
    const serverJits = plain !== null && jitOf((Array.isArray(plain) ? plain.at(-1) : plain).rows) !== undefined;
    const ours = await client.withSession(async (session) => {
      await session.exec('SET jit_above_cost = 0', signal());
      return session.query<Record<string, unknown>>(costly, [], signal());
    }, signal());
    expect(jitOf(ours)).toBeUndefined();
    // Only meaningful where the server can JIT at all (Debian's Postgres ships LLVM JIT).
    if (!serverJits) console.warn('this Postgres does not JIT-compile: the check above passes trivially');
  });
});
