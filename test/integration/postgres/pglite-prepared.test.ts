// Named queries on PGlite run as prepared statements in the worker (bound and executed, not
// parsed and planned again). They must answer exactly as the unnamed path does, for every kind of
// parameter the connector sends, and a failure must leave the instance usable.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPgliteClient } from '../../../connectors/postgres/pglite-client.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';
import { makeTempDir } from './helpers.js';

vi.setConfig({ hookTimeout: 180_000, testTimeout: 60_000 });
const signal = () => AbortSignal.timeout(50_000);

describe('PGlite prepared statements', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let client: SqlClient;

  beforeAll(async () => {
    temp = await makeTempDir('pglite-prepared');
    client = await openPgliteClient({ dataDir: temp.dir, sharedBuffersMb: 16 }, AbortSignal.timeout(170_000));
    await client.exec(
      `CREATE TABLE notes (id int PRIMARY KEY, title text, tags text[], weight float8, at timestamptz, body jsonb);
       INSERT INTO notes VALUES
         (1, 'alpha', '{red,blue}', 1.5, '2026-01-02T03:04:05Z', '{"a":1}'),
         (2, 'beta', '{blue}', NULL, NULL, NULL),
         (3, 'it''s "quoted"', '{}', -2.25, '2025-06-30T23:59:59.5Z', '[1,2]');`,
      signal(),
    );
  });

  afterAll(async () => {
    await client?.close();
    await temp?.remove();
  });

  const SELECT = `SELECT id, title, tags, weight, at, body FROM notes
    WHERE ($1::text[] IS NULL OR tags && $1) AND ($2::timestamptz IS NULL OR at > $2) AND ($3::float8 IS NULL OR weight > $3)
      AND title <> $4 ORDER BY id`;

  it('answers a named query with the same rows as the unnamed one, for arrays, nulls, timestamps and quotes', async () => {
    const cases: unknown[][] = [
      [null, null, null, ''],
      [['blue'], null, null, 'beta'],
      [['red', 'x,y', 'a"b', "c'd"], '2025-01-01T00:00:00.000Z', 0, ''],
      [[], null, -5, 'it\'s "quoted"'],
    ];
    for (const params of cases) {
      const plain = await client.query(SELECT, params, signal());
      // Twice: the first prepares, the second only binds and executes.
      const first = await client.query(SELECT, params, signal(), { name: 'notes' });
      const second = await client.query(SELECT, params, signal(), { name: 'notes' });
      expect(first).toEqual(plain);
      expect(second).toEqual(plain);
    }
    const [row] = await client.query<{ at: Date; tags: string[]; body: unknown }>(SELECT, [['red'], null, null, ''], signal(), { name: 'notes' });
    expect(row?.at).toBeInstanceOf(Date);
    expect(row?.tags).toEqual(['red', 'blue']);
    expect(row?.body).toEqual({ a: 1 });
  });

  it('rejects a failing named query with its SQLSTATE and keeps working afterwards', async () => {
    const divide = 'SELECT 10 / $1::int AS q';
    expect(await client.query(divide, [2], signal(), { name: 'divide' })).toEqual([{ q: 5 }]);
    await expect(client.query(divide, [0], signal(), { name: 'divide' })).rejects.toMatchObject({ code: '22012' });
    expect(await client.query(divide, [5], signal(), { name: 'divide' })).toEqual([{ q: 2 }]);
    await expect(client.query('SELECT FROM no_such_table WHERE $1::int = 1', [1], signal(), { name: 'missing' })).rejects.toMatchObject({
      code: '42P01',
    });
    expect(await client.query('SELECT count(*)::int AS n FROM notes', [], signal(), { name: 'count' })).toEqual([{ n: 3 }]);
    // A transaction on a session is unaffected by the failures before it.
    await client.withSession(async (session) => {
      await session.exec('BEGIN', signal());
      await session.query('INSERT INTO notes (id, title) VALUES ($1, $2)', [4, 'delta'], signal());
      await session.exec('COMMIT', signal());
    }, signal());
    expect(await client.query('SELECT count(*)::int AS n FROM notes', [], signal(), { name: 'count' })).toEqual([{ n: 4 }]);
  });

  it('sees schema changes made after a statement was prepared', async () => {
    const text = 'SELECT * FROM notes WHERE id = $1';
    const before = await client.query<Record<string, unknown>>(text, [1], signal(), { name: 'by_id' });
    expect(Object.keys(before[0] ?? {})).not.toContain('extra');
    await client.exec(`ALTER TABLE notes ADD COLUMN extra text DEFAULT 'x'`, signal());
    // Postgres refuses a prepared statement whose result shape changed; the worker prepares it anew.
    const after = await client.query<Record<string, unknown>>(text, [1], signal(), { name: 'by_id' });
    expect(after[0]?.extra).toBe('x');
    expect(await client.query('SELECT extra FROM notes WHERE id = $1', [1], signal(), { name: 'extra' })).toEqual([{ extra: 'x' }]);
  });
});
