// Two ways to run the whole service in-process on a loopback port, with its logs captured:
// through the real composition root (config file → loadConfig → createRuntime → buildApp →
// startServer), or assembled from given connectors with federation settings the config can't
// set (short breakers), for fault tests that must see a breaker open and close in seconds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { buildApp, type AppDependencies } from '../../../src/app.js';
import { createCacheLayer } from '../../../src/cache/create-cache.js';
import { loadConfig, type ApiKey, type AppConfig } from '../../../src/config/load-config.js';
import { createFederation, type FederatedSource, type Federation, type FederationSettingsInput } from '../../../src/federation/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { createRuntime, type Runtime } from '../../../src/composition/runtime.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import { captureLogs, type CapturedLogs } from './capture-logs.js';

export interface ServiceHandle {
  url: string;
  server: RunningServer;
  logs: CapturedLogs;
  close(): Promise<void>;
}

export interface RuntimeService extends ServiceHandle {
  runtime: Runtime;
  config: AppConfig;
  dataDir: string;
}

/** The service exactly as `knowledge-mcp serve` builds it, from a config file and environment. */
export async function startRuntimeService(options: { config?: unknown; env?: Record<string, string>; logLevel?: string } = {}): Promise<RuntimeService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-reliability-'));
  let configPath: string | undefined;
  if (options.config !== undefined) {
    configPath = path.join(dir, 'knowledge-mcp.config.json');
    writeFileSync(configPath, JSON.stringify(options.config));
  }
  const env = { HOST: '127.0.0.1', PORT: '0', DATA_DIR: path.join(dir, 'data'), ...options.env };
  const config = loadConfig({ env, configPath, cwd: dir, factories: CONNECTOR_FACTORIES });
  const logs = captureLogs(options.logLevel ?? 'info');
  const metrics = createMetrics({ defaultMetrics: false });
  const runtime = await createRuntime(config, logs.logger, metrics);
  const app = buildApp({ config, service: runtime.service, logger: logs.logger, metrics, readiness: runtime.readiness, rateLimiter: runtime.rateLimiter });
  const server = await startServer(app, config, logs.logger);
  return {
    url: server.url,
    server,
    logs,
    runtime,
    config,
    dataDir: dir,
    async close() {
      await server.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AssembledService extends ServiceHandle {
  federation: Federation;
}

export interface AssembleOptions {
  sources: FederatedSource[];
  /** The address the app believes it is bound to (the Host/Origin policy depends on it); it listens on loopback. */
  host?: string;
  settings?: Omit<FederationSettingsInput, 'cursorSecret'>;
  keys?: ApiKey[];
  allowedOrigins?: string[];
  bodyLimitBytes?: number;
  /** Default false: every search fans out, so faults are never hidden by a cached answer. */
  cache?: boolean;
  logLevel?: string;
  extraRoutes?: AppDependencies['extraRoutes'];
}

/** The app over a federation of the given connectors (closing them is the caller's job). */
export async function startAssembledService(options: AssembleOptions): Promise<AssembledService> {
  const logs = captureLogs(options.logLevel ?? 'info');
  const cacheLayer = options.cache ? createCacheLayer({ link: null, logger: silentLogger }) : null;
  const federation = createFederation({
    sources: options.sources,
    settings: { cursorSecret: 'reliability-test-secret', ...options.settings },
    ...(cacheLayer ? { cache: cacheLayer.cache } : {}),
    logger: logs.logger.child({ component: 'federation' }),
  });
  const app = buildApp({
    config: {
      host: options.host ?? '127.0.0.1',
      auth: { mode: 'apikey', keys: options.keys ?? [] },
      allowedOrigins: options.allowedOrigins ?? [],
      bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
      trustProxy: false,
      rateLimitPerMinute: 0,
    },
    service: federation,
    logger: logs.logger,
    metrics: createMetrics({ defaultMetrics: false }),
    readiness: async () => ({ ready: true, sources: [], cache: { kind: 'memory', degraded: false } }),
    extraRoutes: options.extraRoutes,
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0, tls: null, shutdownTimeoutMs: 2000 }, logs.logger);
  return {
    url: server.url,
    server,
    logs,
    federation,
    async close() {
      await server.close();
      await cacheLayer?.close();
    },
  };
}

/** Base config fields the federation reads, for assembled sources. */
export function sourceConfig(overrides: Partial<FederatedSource['config']> = {}): FederatedSource['config'] {
  return { weight: 1, timeout_ms: 1000, max_concurrency: 8, ...overrides };
}
