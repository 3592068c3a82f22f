// The `postgres` connector kind: config schema and factory, as the registry lists them.
// No url → embedded PGlite under the data dir; `table` → read-only over an existing table.
import type { ConnectorFactory } from '../contract/registry-types.js';
import { postgresSourceSchema, type PostgresSourceConfig } from './config.js';
import { PostgresConnector } from './managed-connector.js';
import { PostgresTableConnector } from './table-connector.js';

export { postgresSourceSchema, type PostgresSourceConfig } from './config.js';
export { PostgresConnector } from './managed-connector.js';
export { PostgresTableConnector } from './table-connector.js';
export { migrate, loadMigrations, findMigrationsDir } from './migrate.js';
export type { PostgresIngestSummary } from './ingest.js';

export const postgresFactory: ConnectorFactory<PostgresSourceConfig> = {
  kind: 'postgres',
  configSchema: postgresSourceSchema,
  create(config, context) {
    if (config.table) return new PostgresTableConnector({ ...config, table: config.table }, context);
    return new PostgresConnector(config, context);
  },
};
