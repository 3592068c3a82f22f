// Builds and starts the configured sources: the only module of core that knows the connector
// registry (and so every concrete connector kind).
import type { BaseSourceConfig } from '../../connectors/contract/source-config.js';
import type { Connector } from '../../connectors/contract/types.js';
import { CONNECTOR_FACTORIES } from '../../connectors/registry.js';
import type { AppConfig } from '../config/load-config.js';
import type { Logger } from '../logger.js';
import { seedIfEmpty } from './seed-source.js';

export { CONNECTOR_FACTORIES };

const START_TIMEOUT_MS = 60_000;

export function createConnectors(config: AppConfig, logger: Logger): Map<string, Connector> {
  const byKind = new Map(CONNECTOR_FACTORIES.map((factory) => [factory.kind, factory]));
  const connectors = new Map<string, Connector>();
  for (const source of config.sources) {
    const factory = byKind.get(source.kind);
    if (!factory) throw new Error(`no connector registered for kind ${source.kind}`);
    connectors.set(source.name, factory.create(source, { logger: logger.child({ source: source.name }), dataDir: config.dataDir, env: config.env }));
  }
  return connectors;
}

/**
 * Starts every connector at once, then seeds the empty ones that name a `seed_file`; a source
 * that cannot start is logged and reported, not fatal.
 */
export async function startConnectors(
  connectors: ReadonlyMap<string, Connector>,
  sources: ReadonlyArray<BaseSourceConfig & { name: string }>,
  logger: Logger,
): Promise<Map<string, string>> {
  const seedFiles = new Map(sources.map((source) => [source.name, source.seed_file]));
  const failures = new Map<string, string>();
  await Promise.all(
    [...connectors.values()].map(async (connector) => {
      try {
        const signal = AbortSignal.timeout(START_TIMEOUT_MS);
        await connector.start?.(signal);
        const seedFile = seedFiles.get(connector.name);
        if (seedFile !== undefined) await seedIfEmpty(connector, seedFile, logger, signal);
      } catch (error) {
        const message = error instanceof Error ? (error.message.split('\n')[0] ?? 'start failed') : 'start failed';
        failures.set(connector.name, message);
        logger.error({ source: connector.name, err: error }, `source ${connector.name} could not start: ${message}`);
      }
    }),
  );
  return failures;
}
