// The cache's tunables with their defaults. The config module maps its fields onto these.
import type { Compression } from './codec.js';

export interface CacheSettings {
  /** After its TTL an entry is still served this long (once refreshing it in the background). */
  staleMs: number;
  /** Prefix of every Redis key this service writes (cache, locks, generations, breakers, limits). */
  keyPrefix: string;
  /** Cross-instance miss lock: longest a computation may hold it (a crashed holder frees it then). */
  lockTtlMs: number;
  /** Longest another instance's computation is waited for before computing here anyway. */
  lockWaitMs: number;
  /** First poll interval while waiting (grows to 100 ms). */
  lockPollMs: number;
  /** A background refresh is abandoned after this long. */
  refreshTimeoutMs: number;
  /** In-process first tier in front of Redis: how long a copy is kept (0 = no first tier). */
  localTtlMs: number;
  localMaxBytes: number;
  /** Size of the whole cache when there is no Redis. */
  memoryMaxBytes: number;
  compressMinBytes: number;
  compression: Compression;
  /** How long generations read from Redis are trusted (cross-instance invalidation delay). */
  generationRefreshMs: number;
}

export const DEFAULT_CACHE_SETTINGS: CacheSettings = {
  staleMs: 60_000,
  keyPrefix: 'kmcp:',
  lockTtlMs: 5_000,
  lockWaitMs: 3_500,
  lockPollMs: 20,
  refreshTimeoutMs: 10_000,
  localTtlMs: 1_000,
  localMaxBytes: 16 * 1024 * 1024,
  memoryMaxBytes: 64 * 1024 * 1024,
  compressMinBytes: 1024,
  compression: 'deflate',
  generationRefreshMs: 1_000,
};
