// Hooks for metrics: the composition root forwards them to prom-client counters and a gauge.

/** What happened to one lookup. */
export type CacheOutcome =
  /** Fresh entry served. */
  | 'hit'
  /** Expired-but-recent entry served at once; one background refresh started or running. */
  | 'stale'
  /** Computed by this call (and stored unless `shouldStore` said no). */
  | 'miss'
  /** Joined a computation already running for the same key (here or on another instance). */
  | 'shared'
  /** Cache not usable (Redis degraded, generations unknown): computed without it. */
  | 'bypass';

export type CacheEvent = CacheOutcome | 'store_error' | 'refreshed' | 'refresh_skipped' | 'refresh_failed';

export interface CacheObserver {
  /** `label` is the key's namespace (`search`, `doc`, …). */
  event(label: string, event: CacheEvent): void;
  /** Redis went down (true) or came back (false); never called for the in-memory backend. */
  degraded(isDegraded: boolean): void;
}

export const noopObserver: CacheObserver = {
  event() {},
  degraded() {},
};
