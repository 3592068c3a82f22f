// In-process CacheStore on lru-cache, bounded by bytes: the whole cache when REDIS_URL is
// unset, and the short-lived first tier in front of Redis otherwise.
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './entry.js';
import { approximateJsonLength } from './json-size.js';
import type { CacheStore } from './store.js';

/**
 * The memory an entry really holds per byte of its value's JSON: the parsed value (~1.8×) and
 * the two wire encodings tools/result-wire.ts remembers for it while it is cached (~2.3×),
 * measured on a demo search page. Counting the JSON alone let a "64 MiB" cache hold ~300 MB.
 */
export const HELD_BYTES_PER_JSON_BYTE = 4;

export interface MemoryStoreOptions {
  /** Upper bound of the memory everything held takes, estimated from JSON sizes (HELD_BYTES_PER_JSON_BYTE). */
  maxBytes: number;
  /** Keep an entry at most this long, even if it stays fresh longer (first tier). Default: no cap. */
  maxRetainMs?: number;
  /** Pretend other instances share it (tests of the cross-instance path). Default false. */
  shared?: boolean;
  clock?: () => number;
}

interface Held {
  entry: CacheEntry;
  /** Epoch ms after which the entry is dropped. */
  dropAt: number;
}

export class MemoryCacheStore implements CacheStore {
  readonly shared: boolean;
  readonly #lru: LRUCache<string, Held>;
  readonly #locks = new Map<string, { token: string; until: number }>();
  readonly #maxRetainMs: number;
  readonly #clock: () => number;

  constructor(options: MemoryStoreOptions) {
    this.shared = options.shared ?? false;
    this.#maxRetainMs = options.maxRetainMs ?? Number.POSITIVE_INFINITY;
    this.#clock = options.clock ?? Date.now;
    this.#lru = new LRUCache<string, Held>({
      maxSize: options.maxBytes,
      // An estimate: exactness does not matter, the bound does (and writing the JSON out to count it cost more than the rest of a store).
      sizeCalculation: (held, key) => Math.max(1, key.length + HELD_BYTES_PER_JSON_BYTE * approximateJsonLength(held.entry.value)),
    });
  }

  async get(key: string): Promise<CacheEntry | null> {
    return this.heldLocally(key);
  }

  heldLocally(key: string): CacheEntry | null {
    const held = this.#lru.get(key);
    if (held === undefined) return null;
    if (this.#clock() >= held.dropAt) {
      this.#lru.delete(key);
      return null;
    }
    return held.entry;
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const now = this.#clock();
    const dropAt = Math.min(entry.staleUntil, now + this.#maxRetainMs);
    if (dropAt <= now) return;
    this.#lru.set(key, { entry, dropAt }, { ttl: Math.ceil(dropAt - now) });
  }

  async delete(key: string): Promise<void> {
    this.#lru.delete(key);
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | null> {
    const now = this.#clock();
    const held = this.#locks.get(key);
    if (held !== undefined && held.until > now) return null;
    const token = randomUUID();
    this.#locks.set(key, { token, until: now + ttlMs });
    return token;
  }

  async releaseLock(key: string, token: string): Promise<void> {
    if (this.#locks.get(key)?.token === token) this.#locks.delete(key);
  }

  async close(): Promise<void> {
    this.#lru.clear();
    this.#locks.clear();
  }
}
