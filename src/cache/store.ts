// Where cache entries live: one small interface with a memory, a Redis and a two-tier
// implementation. The read-through cache (read-through.ts) owns all policy; stores only store.
import type { CacheEntry } from './entry.js';

export interface CacheStore {
  /** True when other instances see the same entries: cross-instance locks and hand-offs then apply. */
  readonly shared: boolean;
  /** The entry, or null when absent, expired or unreadable. Throws when the backend fails. */
  get(key: string, signal: AbortSignal): Promise<CacheEntry | null>;
  /** Keeps the entry until its `staleUntil`. Throws when the backend fails. */
  set(key: string, entry: CacheEntry, signal: AbortSignal): Promise<void>;
  delete(key: string, signal: AbortSignal): Promise<void>;
  /** Takes the lock for `ttlMs` and returns its token, or null when someone else holds it. */
  acquireLock(key: string, ttlMs: number, signal: AbortSignal): Promise<string | null>;
  /** Releases the lock only if `token` still owns it. */
  releaseLock(key: string, token: string, signal: AbortSignal): Promise<void>;
  /**
   * The entry `get` would return right now, when this process holds it (no I/O), counted as a use;
   * undefined when it cannot tell without asking a remote store. Lets a lease check, per repeat,
   * that its entry is still the one a lookup would find.
   */
  heldLocally?(key: string): CacheEntry | null | undefined;
  close(): Promise<void>;
}
