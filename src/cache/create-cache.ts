// Builds the cache layer: Redis (with a short in-process first tier) when a RedisLink is given,
// otherwise an in-memory LRU; plus the generation store that ingest bumps.
import type { StateLogger } from '../shared-state/logger.js';
import type { RedisLink } from '../shared-state/redis-link.js';
import { MemoryGenerationStore, type GenerationStore } from './generation-store.js';
import { MemoryCacheStore } from './memory-store.js';
import { noopObserver, type CacheObserver } from './observer.js';
import { ReadThroughCache } from './read-through.js';
import { RedisCacheStore } from './redis-store.js';
import { RedisGenerationStore } from './redis-generation-store.js';
import { DEFAULT_CACHE_SETTINGS, type CacheSettings } from './settings.js';
import type { CacheStore } from './store.js';
import { TieredCacheStore } from './tiered-store.js';

export interface CacheLayerOptions {
  /** From createSharedState; null = in-memory cache. */
  link: RedisLink | null;
  logger: StateLogger;
  settings?: Partial<CacheSettings>;
  observer?: CacheObserver;
}

export interface CacheLayer {
  /** Implements the federation's SearchCache port; `status()` feeds /readyz. */
  cache: ReadThroughCache;
  /** Ingest calls `generations.bump(source, signal)` after writing to a source. */
  generations: GenerationStore;
  settings: CacheSettings;
  close(): Promise<void>;
}

export function createCacheLayer(options: CacheLayerOptions): CacheLayer {
  const settings: CacheSettings = { ...DEFAULT_CACHE_SETTINGS, ...options.settings };
  const observer = options.observer ?? noopObserver;
  const { link, logger } = options;
  let store: CacheStore;
  let generations: GenerationStore;
  if (link === null) {
    store = new MemoryCacheStore({ maxBytes: settings.memoryMaxBytes });
    generations = new MemoryGenerationStore();
  } else {
    const shared = new RedisCacheStore(link, { compressMinBytes: settings.compressMinBytes, compression: settings.compression });
    store =
      settings.localTtlMs > 0
        ? new TieredCacheStore(new MemoryCacheStore({ maxBytes: settings.localMaxBytes, maxRetainMs: settings.localTtlMs }), shared)
        : shared;
    generations = new RedisGenerationStore({ link, keyPrefix: settings.keyPrefix, logger, refreshMs: settings.generationRefreshMs });
    link.onChange((degraded) => observer.degraded(degraded));
    observer.degraded(link.isDegraded());
  }
  const cache = new ReadThroughCache({ store, generations, health: link, settings, logger, observer });
  return { cache, generations, settings, close: () => cache.close() };
}
