// After writing to a source outside the server (ingest), bump its generation in the shared cache so
// running instances stop serving answers cached before the write.
import { bumpSourceGenerations } from '../cache/bump-generation.js';
import type { AppConfig } from '../config/load-config.js';
import { writeLine } from './context.js';

export async function bumpSourceGeneration(config: AppConfig, source: string): Promise<void> {
  if (config.redisUrl === null) {
    writeLine('(no REDIS_URL: running servers keep cached answers until their TTL expires)');
    return;
  }
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  try {
    const bumped = await bumpSourceGenerations({ redisUrl: config.redisUrl, sources: [source], logger: silent, signal: AbortSignal.timeout(5000) });
    const generation = bumped.get(source);
    writeLine(
      generation === null || generation === undefined
        ? 'warning: the shared cache could not be told; cached answers expire by TTL'
        : `cache generation of ${source} is now ${generation}`,
    );
  } catch {
    writeLine('warning: the shared cache could not be told; cached answers expire by TTL');
  }
}
