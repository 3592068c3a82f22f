// The composition root's one assembly: `assembleCore` builds what every transport serves (the
// runtime and the MCP dispatcher; stdio uses it as is), `assembleServer` adds the HTTP app with
// the status page, listening and a graceful shutdown. `serve`, the test harnesses and the
// benches all go through here, so what they run is what users run.
import type { App } from '../app.js';
import { buildApp } from '../app.js';
import type { AppConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../logger.js';
import { createMcpDispatcher, type McpDispatcher } from '../mcp/dispatcher.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { startServer, type HttpTimeouts, type RunningServer } from '../server.js';
import type { StatusPageDeps } from '../status/index.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from './runtime.js';

export interface CoreOverrides extends RuntimeOverrides {
  /** Default: a logger at `config.logLevel` on stdout. */
  logger?: Logger;
  /** Default: a fresh registry with Node's default metrics. */
  metrics?: Metrics;
}

export interface Core {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  runtime: Runtime;
  /** JSON-RPC in, JSON-RPC out: the MCP layer without any transport. */
  dispatcher: McpDispatcher;
  close(): Promise<void>;
}

export async function assembleCore(config: AppConfig, overrides: CoreOverrides = {}): Promise<Core> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const metrics = overrides.metrics ?? createMetrics();
  const runtime = await createRuntime(config, logger, metrics, overrides);
  const dispatcher = createMcpDispatcher({ service: runtime.service, logger, metrics });
  return { config, logger, metrics, runtime, dispatcher, close: () => runtime.close() };
}

export interface ServerOverrides extends CoreOverrides {
  /** Status page options (refresh period, shown server info); false leaves the page out. */
  statusPage?: Pick<StatusPageDeps, 'refreshMs' | 'listTimeoutMs' | 'server' | 'publicMcpUrl'> | false;
  httpTimeouts?: HttpTimeouts;
}

export interface ShutdownOptions {
  /**
   * How long to keep accepting after reporting not ready, so that a load balancer (Fly's proxy,
   * a Kubernetes endpoint update) stops sending traffic before the listener closes.
   */
  drainMs: number;
  /** Resolves early to cut the drain short (a second signal). */
  skipDrain?: Promise<void>;
}

export interface AssembledServer extends Core {
  /** The node request listener (POST /mcp fast path, the rest through Koa). */
  app: App;
  /**
   * Listens on `config.host:config.port` (0 = any free port). `at` listens elsewhere while the
   * edge policy still follows `config.host` (tests of a public bind, served on loopback).
   */
  listen(at?: { host?: string; port?: number }): Promise<RunningServer>;
  /**
   * Graceful stop: /readyz turns 503 at once, requests keep being accepted for `drainMs`, then
   * the listener closes, requests in flight finish, and the runtime closes. The whole is capped
   * by `config.shutdownTimeoutMs` (remaining connections are then cut).
   */
  shutdown(options: ShutdownOptions): Promise<void>;
  /** Stops at once: closes the listener (if any) and the runtime. */
  close(): Promise<void>;
}

export async function assembleServer(config: AppConfig, overrides: ServerOverrides = {}): Promise<AssembledServer> {
  const core = await assembleCore(config, overrides);
  const { runtime, logger, metrics } = core;
  const statusPage: StatusPageDeps | undefined =
    overrides.statusPage === false
      ? undefined
      : {
          recorder: runtime.status.recorder,
          listSources: (caller, signal) => runtime.service.listSources(caller, signal),
          cacheStatus: () => (runtime.cache ? runtime.status.cacheStats.status() : null),
          ...overrides.statusPage,
        };
  const app = buildApp({
    service: core.runtime.service,
    config,
    dispatcher: core.dispatcher,
    logger,
    metrics,
    readiness: () => runtime.readiness.check(),
    rateLimiter: runtime.rateLimiter,
    statusPage,
  });

  let server: RunningServer | null = null;
  let closing: Promise<void> | null = null;

  async function stop(drain: ShutdownOptions | null): Promise<void> {
    const started = performance.now();
    runtime.readiness.markDraining();
    if (server && drain && drain.drainMs > 0) {
      const drainMs = Math.min(drain.drainMs, config.shutdownTimeoutMs);
      logger.info({ drain_ms: drainMs }, 'draining: /readyz reports not ready; still accepting requests');
      await waitOrSkip(drainMs, drain.skipDrain);
    }
    if (server) {
      logger.info('closing the listener; finishing requests in flight');
      await server.close(Math.max(0, config.shutdownTimeoutMs - (performance.now() - started)));
    }
    await core.close();
  }

  return {
    ...core,
    app,
    async listen(at) {
      if (server) throw new Error('already listening');
      server = await startServer(app, { ...config, ...at, ...(overrides.httpTimeouts ? { httpTimeouts: overrides.httpTimeouts } : {}) }, logger);
      return server;
    },
    shutdown(options) {
      closing ??= stop(options);
      return closing;
    },
    close() {
      closing ??= stop(null);
      return closing;
    },
  };
}

function waitOrSkip(ms: number, skip: Promise<void> | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void skip?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
