// Opens the SqlClient a source's config points at: a pg pool, or embedded PGlite. Sources that
// share a PGlite directory share one instance (two instances on one directory would corrupt it).
import type { ConnectorContext } from '../contract/types.js';
import type { PostgresSourceConfig, PostgresTarget } from './config.js';
import type { SqlClient } from './sql-client.js';

const sharedPglite = new Map<string, { client: Promise<SqlClient>; users: number }>();

function shareable(dataDir: string, open: () => Promise<SqlClient>): Promise<SqlClient> {
  let entry = sharedPglite.get(dataDir);
  if (!entry) {
    entry = { client: open(), users: 0 };
    sharedPglite.set(dataDir, entry);
    entry.client.catch(() => sharedPglite.delete(dataDir));
  }
  entry.users += 1;
  const current = entry;
  return current.client.then((client) => ({
    ...client,
    backend: client.backend,
    async close() {
      current.users -= 1;
      if (current.users > 0) return;
      sharedPglite.delete(dataDir);
      await client.close();
    },
  }));
}

export async function openSqlClient(
  target: PostgresTarget,
  config: PostgresSourceConfig,
  logger: ConnectorContext['logger'],
  signal: AbortSignal,
): Promise<SqlClient> {
  if (target.backend === 'pg') {
    // Loaded only when used, like PGlite below: the embedded demo never needs the pg driver.
    const { createPgClient } = await import('./pg-client.js');
    return createPgClient({
      connectionString: target.connectionString,
      poolSize: config.pool_size,
      statementTimeoutMs: config.statement_timeout_ms,
      connectTimeoutMs: config.connect_timeout_ms,
      logger,
    });
  }
  return shareable(target.dataDir, async () => {
    // Loaded only when used: the WebAssembly build is large and servers don't need it.
    const { openPgliteClient } = await import('./pglite-client.js');
    return openPgliteClient({ dataDir: target.dataDir, sharedBuffersMb: config.pglite_shared_buffers_mb }, signal);
  });
}
