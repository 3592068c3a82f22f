// `knowledge-mcp stdio`: the three tools over stdin/stdout for local MCP clients, built from the
// same configuration, sources and dispatcher as `serve`. Logs go to stderr; stdout carries only
// JSON-RPC. Exits 0 once stdin closes and the sources are closed.
import pino from 'pino';
import { assembleCore } from '../composition/assemble.js';
import { createMetrics } from '../metrics.js';
import { serveStdio } from '../stdio/stdio-transport.js';
import { startTracing } from '../telemetry/start-tracing.js';
import { loadCliContext } from './context.js';

export async function runStdio(configPath: string | undefined): Promise<number> {
  const { config, logger } = loadCliContext(configPath, { destination: pino.destination({ dest: 2, sync: true }) });
  const tracing = await startTracing(config.tracing, { consoleStream: process.stderr });
  const metrics = createMetrics({ defaultMetrics: false });
  // The same composition root as `serve`, without the HTTP side.
  const core = await assembleCore(config, { logger, metrics });
  logger.info({ sources: config.sources.map((source) => `${source.name} (${source.kind})`), demo: config.demo }, 'knowledge-mcp serving MCP on stdio');
  // A local process launched by its user: no key, every source (as on a loopback HTTP server without keys).
  await serveStdio({
    input: process.stdin,
    output: process.stdout,
    dispatcher: core.dispatcher,
    caller: { keyName: null, allowedSources: null, principals: null },
    onError: (error) => logger.error({ err: error }, 'stdio message failed'),
  });
  logger.info('stdin closed; shutting down');
  await core.close();
  await tracing.shutdown();
  return 0;
}
