// Two ways to run the whole service in-process on a loopback port, with its logs captured, both
// through the composition root that `serve` uses (assembleServer): from a config file and
// environment exactly as `knowledge-mcp serve` reads them, or over given connectors with
// federation settings the config can't set (short breakers), for fault tests that must see a
// breaker open and close in seconds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { assembleServer, type ServerOverrides } from '../../../src/composition/assemble.js';
import type { Runtime } from '../../../src/composition/runtime.js';
import { loadConfig, type ApiKey, type AppConfig } from '../../../src/config/load-config.js';
import type { FederatedSource, Federation, FederationSettingsInput } from '../../../src/federation/index.js';
import { createMetrics } from '../../../src/metrics.js';
import type { RunningServer } from '../../../src/server.js';
import { testConfig } from '../../helpers/test-config.js';
import { captureLogs, type CapturedLogs } from './capture-logs.js';

export interface ServiceHandle {
  url: string;
  server: RunningServer;
  logs: CapturedLogs;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface RuntimeService extends ServiceHandle {
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
  const assembled = await assembleServer(config, { logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }) });
  const server = await assembled.listen();
  return {
    url: server.url,
    server,
    logs,
    runtime: assembled.runtime,
    config,
    dataDir: dir,
    async close() {
      await assembled.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AssembledService extends ServiceHandle {
  federation: Federation;
}

export interface AssembleOptions extends Pick<ServerOverrides, 'statsWindowMs' | 'statusPage' | 'rateLimiter'> {
  sources: FederatedSource[];
  /** The address the app believes it is bound to (the Host/Origin policy depends on it); it listens on loopback. */
  host?: string;
  settings?: Omit<FederationSettingsInput, 'cursorSecret'>;
  keys?: ApiKey[];
  allowedOrigins?: string[];
  bodyLimitBytes?: number;
  rateLimitPerMinute?: number;
  /** Default false: every search fans out, so faults are never hidden by a cached answer. */
  cache?: boolean;
  logLevel?: string;
}

/** The server over a federation of the given connectors (closing them is the caller's job). */
export async function startAssembledService(options: AssembleOptions): Promise<AssembledService> {
  const logs = captureLogs(options.logLevel ?? 'info');
  const config = testConfig({
    host: options.host ?? '127.0.0.1',
    auth: { mode: 'apikey', keys: options.keys ?? [] },
    allowedOrigins: options.allowedOrigins ?? [],
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    cursorSecret: 'reliability-test-secret',
  });
  const assembled = await assembleServer(config, {
    logger: logs.logger,
    metrics: createMetrics({ defaultMetrics: false }),
    sources: options.sources,
    ...(options.settings ? { federation: options.settings } : {}),
    ...(options.cache ? {} : { cache: false as const }),
    ...(options.statsWindowMs ? { statsWindowMs: options.statsWindowMs } : {}),
    ...(options.statusPage === undefined ? {} : { statusPage: options.statusPage }),
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
  });
  // The app believes it is bound to `host` while it listens on loopback.
  const server = await assembled.listen({ host: '127.0.0.1' });
  return {
    url: server.url,
    server,
    logs,
    runtime: assembled.runtime,
    federation: assembled.runtime.service as Federation,
    close: () => assembled.close(),
  };
}

/** Base config fields the federation reads, for assembled sources. */
export function sourceConfig(overrides: Partial<FederatedSource['config']> = {}): FederatedSource['config'] {
  return { weight: 1, timeout_ms: 1000, max_concurrency: 8, ...overrides };
}
