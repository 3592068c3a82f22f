// A pooled connection the server closed while it sat idle, without the client hearing of it
// (restart, failover, a firewall's idle timeout): the next read sent on it must still be answered,
// on another connection; a write is never sent twice, and a server that stays gone fails fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionLoss } from '../../../connectors/postgres/errors.js';
import { createPgClient } from '../../../connectors/postgres/pg-client.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';
import { startCutProxy, type CutProxy } from './cut-proxy.js';
import { postgresSkipReason, quietLogger, signal, TEST_DATABASE_URL } from './helpers.js';

const skipReason = await postgresSkipReason();
const POOL_SIZE = 3;

describe.skipIf(skipReason !== null)(`stale pooled connections${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let proxy: CutProxy;
  let client: SqlClient;

  beforeAll(async () => {
    proxy = await startCutProxy(TEST_DATABASE_URL);
    client = createPgClient({ connectionString: proxy.url, poolSize: POOL_SIZE, statementTimeoutMs: 5000, connectTimeoutMs: 2000, logger: quietLogger });
  });
  afterAll(async () => {
    await client.close();
    await proxy.close();
  });

  /** Fills the pool: POOL_SIZE connections that have answered and now sit idle. */
  async function fillPool(): Promise<void> {
    await Promise.all(Array.from({ length: POOL_SIZE }, () => client.query('SELECT pg_sleep(0.05)', [], signal(), { name: 'kmcp_test_fill' })));
    await new Promise((resolve) => setImmediate(resolve));
  }

  it('answers named reads sent on connections cut while idle, on new connections', async () => {
    await fillPool();
    const before = proxy.accepted;
    proxy.cutQuietly();
    const answers = await Promise.all(
      Array.from({ length: POOL_SIZE }, (_, i) => client.query<{ n: number }>('SELECT $1::int AS n', [i], signal(), { name: 'kmcp_test_stale_read' })),
    );
    expect(answers).toEqual(Array.from({ length: POOL_SIZE }, (_, i) => [{ n: i }]));
    expect(proxy.accepted).toBeGreaterThan(before);
  });

  it('does not send an unnamed statement (possibly a write) a second time', async () => {
    await fillPool();
    proxy.cutQuietly();
    const failure = await client.query('SELECT 1', [], signal()).catch((error: unknown) => error);
    expect(isConnectionLoss(failure)).toBe(true);
    // The other cut connections are still pooled; a read gets past them.
    expect(await client.query<{ one: number }>('SELECT 1 AS one', [], signal(), { name: 'kmcp_test_one' })).toEqual([{ one: 1 }]);
  });

  it('gives up once a new connection fails too, instead of retrying without end', async () => {
    await fillPool();
    proxy.cutQuietly();
    proxy.refuseNew(true);
    try {
      const before = proxy.accepted;
      const failure = await client.query('SELECT 1', [], signal(), { name: 'kmcp_test_stale_read' }).catch((error: unknown) => error);
      expect(isConnectionLoss(failure)).toBe(true);
      // At most one new connection is tried after the stale one(s).
      expect(proxy.accepted - before).toBeLessThanOrEqual(1);
    } finally {
      proxy.refuseNew(false);
    }
    expect(await client.query<{ one: number }>('SELECT 1 AS one', [], signal(), { name: 'kmcp_test_one' })).toEqual([{ one: 1 }]);
  });
});
