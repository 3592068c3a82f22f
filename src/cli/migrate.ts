// `knowledge-mcp migrate`: prepares every source that has a schema (starting a Postgres source
// applies its missing migrations under an advisory lock), then exits.
import { createConnectors, startConnectors } from '../composition/connectors.js';
import { loadCliContext, writeLine } from './context.js';

export async function runMigrate(options: { configPath?: string | undefined }): Promise<number> {
  const { config, logger } = loadCliContext(options.configPath);
  const all = createConnectors(config, logger);
  const withSchema = new Map([...all].filter(([, connector]) => connector.kind === 'postgres'));
  if (withSchema.size === 0) {
    writeLine('no Postgres source is configured: nothing to migrate');
    return 0;
  }
  const failures = await startConnectors(withSchema, [], logger);
  await Promise.allSettled([...all.values()].map((connector) => connector.close()));
  for (const name of withSchema.keys()) writeLine(`${name}: ${failures.has(name) ? `FAILED (${failures.get(name)})` : 'up to date'}`);
  return failures.size === 0 ? 0 : 1;
}
