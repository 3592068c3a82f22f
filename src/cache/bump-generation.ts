// For processes that write to a source without serving (the ingest CLI): bump the source's
// generation in Redis so every running instance stops serving answers cached before the ingest.
import type { StateLogger } from '../shared-state/logger.js';
import { RedisLink } from '../shared-state/redis-link.js';
import { RedisGenerationStore } from './redis-generation-store.js';
import { DEFAULT_CACHE_SETTINGS } from './settings.js';

export interface BumpOptions {
  /** Null: no shared cache; running instances' in-memory caches expire by TTL instead. */
  redisUrl: string | null;
  sources: readonly string[];
  logger: StateLogger;
  signal: AbortSignal;
  keyPrefix?: string;
}

/** The new generation per source; null for a source whose bump could not be recorded. */
export async function bumpSourceGenerations(options: BumpOptions): Promise<Map<string, number | null>> {
  const bumped = new Map<string, number | null>();
  if (options.redisUrl === null) {
    for (const source of options.sources) bumped.set(source, null);
    return bumped;
  }
  const link = new RedisLink({ url: options.redisUrl, logger: options.logger, commandTimeoutMs: 1000 });
  try {
    await link.waitUntilReady(2000);
    const generations = new RedisGenerationStore({ link, keyPrefix: options.keyPrefix ?? DEFAULT_CACHE_SETTINGS.keyPrefix, logger: options.logger });
    for (const source of options.sources) bumped.set(source, await generations.bump(source, options.signal));
    return bumped;
  } finally {
    await link.close();
  }
}
