// The cache as the federation sees it: one small port, implemented elsewhere (Redis, in-memory LRU).
// The federation owns what goes in (keys, what may be stored); the cache owns TTLs, staleness and single-flight.

export interface CacheComputeOptions<T> {
  /** How long a stored value stays fresh. */
  ttlMs: number;
  /** False for values that must not be stored (partial answers, absent documents). */
  shouldStore: (value: T) => boolean;
  /**
   * Sources the value was built from, so the cache can fold their ingest generations into the
   * key (an ingest into one of them invalidates the entry).
   */
  sources: readonly string[];
  /** The caller's signal: a caller that gives up stops waiting (the shared computation may go on for others). */
  signal: AbortSignal;
}

export interface CacheLookup<T> {
  value: T;
  /** True when the value came from the cache, not from this call's `compute`. */
  cached: boolean;
  /**
   * On a fresh hit the cache can answer again without a lookup: the same key would find this
   * same value while `lease.isValid()` holds.
   */
  lease?: CacheLease;
}

/**
 * A fresh hit that stands until its entry stops being fresh, is dropped or replaced, or a
 * generation it was keyed on may have changed. Checking costs no I/O.
 */
export interface CacheLease {
  isValid(): boolean;
  /** Counts one answer given under the lease as the hit it stands for (metrics, status page). */
  recordHit(): void;
}

/**
 * A read-through cache. Values are plain JSON (they may cross Redis). Implementations should
 * collapse concurrent misses of one key into one `compute` (single-flight), abort `compute`'s
 * signal only when every waiter has gone, and fail open (compute directly) when the store is down.
 */
export interface SearchCache {
  getOrCompute<T>(key: string, compute: (signal: AbortSignal) => Promise<T>, options: CacheComputeOptions<T>): Promise<CacheLookup<T>>;
}

/** The default: nothing is cached, every call computes. */
export const noCache: SearchCache = {
  async getOrCompute<T>(_key: string, compute: (signal: AbortSignal) => Promise<T>, options: CacheComputeOptions<T>) {
    return { value: await compute(options.signal), cached: false };
  },
};
