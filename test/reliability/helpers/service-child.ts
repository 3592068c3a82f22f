// Entry of a child process that serves an assembled service (see service-process.ts): sources
// from config entries built by the kinds' own factories, federation settings from the spec.
// Run in its own process so that a crash (an uncaught error from a driver) is seen as what it
// would be in production: the server dying. Prints `LISTENING <url>` once it listens.
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { postgresFactory } from '../../../connectors/postgres/index.js';
import type { ConnectorFactory } from '../../../connectors/contract/registry-types.js';
import { createLogger } from '../../../src/logger.js';
import { buildApp } from '../../../src/app.js';
import { createFederation } from '../../../src/federation/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { startServer } from '../../../src/server.js';

interface ChildSpec {
  sources: Array<Record<string, unknown> & { kind: string; name: string }>;
  settings?: Record<string, unknown>;
  dataDir: string;
}

const spec = JSON.parse(process.env.KMCP_CHILD_SPEC ?? '{}') as ChildSpec;
const factories = new Map<string, ConnectorFactory<any>>(CONNECTOR_FACTORIES.map((factory) => [factory.kind, factory]));
if (!factories.has('postgres')) factories.set('postgres', postgresFactory);
const logger = createLogger(process.env.KMCP_CHILD_LOG_LEVEL ?? 'warn', process.stderr);

const sources = spec.sources.map((entry) => {
  const factory = factories.get(entry.kind);
  if (!factory) throw new Error(`no factory for kind ${entry.kind}`);
  const config = factory.configSchema.parse(entry) as { name: string; weight: number; timeout_ms: number; max_concurrency: number };
  return { connector: factory.create(config as never, { logger: logger.child({ source: config.name }), dataDir: spec.dataDir, env: {} }), config };
});
await Promise.all(sources.map(({ connector }) => connector.start?.(AbortSignal.timeout(60_000))));
const federation = createFederation({
  sources,
  settings: { cursorSecret: 'child-secret', ...spec.settings },
  logger: logger.child({ component: 'federation' }),
});
const app = buildApp({
  config: { host: '127.0.0.1', auth: { mode: 'apikey', keys: [] }, allowedOrigins: [], bodyLimitBytes: 1024 * 1024, trustProxy: false, rateLimitPerMinute: 0 },
  service: federation,
  logger,
  metrics: createMetrics({ defaultMetrics: false }),
  readiness: async () => ({ ready: true, sources: [], cache: { kind: 'memory', degraded: false } }),
});
const server = await startServer(app, { host: '127.0.0.1', port: 0, tls: null, shutdownTimeoutMs: 2000 }, logger);
process.stdout.write(`LISTENING ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(async () => {
    await Promise.allSettled(sources.map(({ connector }) => connector.close()));
    process.exit(0);
  });
});
