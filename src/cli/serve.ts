// `knowledge-mcp serve`: build everything, listen, and shut down gracefully on SIGTERM/SIGINT.
import { buildApp } from '../app.js';
import { createMetrics } from '../metrics.js';
import { createRuntime } from '../composition/runtime.js';
import { startServer } from '../server.js';
import { mountStatusPage } from '../status/index.js';
import { startTracing } from '../telemetry/start-tracing.js';
import { loadCliContext } from './context.js';

export async function runServe(configPath: string | undefined): Promise<void> {
  const startedAt = performance.now();
  const { config, logger } = loadCliContext(configPath, { asyncLogs: true });
  const tracing = await startTracing(config.tracing);
  const metrics = createMetrics();
  const runtime = await createRuntime(config, logger, metrics);
  const app = buildApp({
    config,
    service: runtime.service,
    logger,
    metrics,
    readiness: runtime.readiness,
    rateLimiter: runtime.rateLimiter,
    extraRoutes: (router, helpers) =>
      mountStatusPage(router, helpers, {
        recorder: runtime.status.recorder,
        listSources: (caller, signal) => runtime.service.listSources(caller, signal),
        cacheStatus: runtime.status.cacheStatus,
      }),
  });
  let server;
  try {
    server = await startServer(app, config, logger);
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    await runtime.close();
    process.exit(1);
  }
  logger.info(
    {
      url: `${server.url}/mcp`,
      sources: config.sources.map((source) => `${source.name} (${source.kind})`),
      demo: config.demo,
      auth: config.auth.mode === 'none' ? 'none' : config.auth.keys.length > 0 ? `${config.auth.keys.length} key(s)` : 'none needed on loopback',
      startup_ms: Math.round(performance.now() - startedAt),
    },
    `knowledge-mcp listening on ${server.url}/mcp`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    await server.close();
    await runtime.close();
    await tracing.shutdown();
    logger.info('stopped');
    logger.flush?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
