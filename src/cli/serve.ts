// `knowledge-mcp serve`: assemble the server, listen, and shut down gracefully on a signal.
// SIGTERM (an orchestrator taking the instance out of rotation) drains first: /readyz turns 503
// while requests are still accepted for SHUTDOWN_DRAIN_MS, so the load balancer stops sending
// traffic before the listener closes. SIGINT (Ctrl-C in a terminal) skips the drain; a second
// signal during the drain cuts it short.
import { assembleServer } from '../composition/assemble.js';
import type { RunningServer } from '../server.js';
import { startTracing } from '../telemetry/start-tracing.js';
import { loadCliContext } from './context.js';

export async function runServe(configPath: string | undefined): Promise<void> {
  const startedAt = performance.now();
  const { config, logger } = loadCliContext(configPath, { logsPerTurn: true });
  const tracing = await startTracing(config.tracing);
  const assembled = await assembleServer(config, { logger });
  let server: RunningServer;
  try {
    server = await assembled.listen();
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    await assembled.close();
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

  let skipDrain: () => void = () => undefined;
  const secondSignal = new Promise<void>((resolve) => (skipDrain = resolve));
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      skipDrain();
      return;
    }
    stopping = true;
    const drainMs = signal === 'SIGTERM' ? config.shutdownDrainMs : 0;
    logger.info({ signal, drain_ms: drainMs }, 'shutting down: reporting not ready, then finishing requests in flight');
    await assembled.shutdown({ drainMs, skipDrain: secondSignal });
    await tracing.shutdown();
    logger.info('stopped');
    logger.flush?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
