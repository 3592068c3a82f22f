// Two tiers: a short-lived in-process copy in front of the shared Redis store, so a hot key
// costs no round trip. The first tier holds an entry at most `maxRetainMs` (about a second),
// which bounds how long another instance's newer answer can go unseen here. Only fresh copies
// are answered locally: a stale one is checked against Redis, where a refresh may already be.
import { classifyEntry, type CacheEntry } from './entry.js';
import { SingleFlight } from './single-flight.js';
import type { CacheStore } from './store.js';

export class TieredCacheStore implements CacheStore {
  readonly shared = true;
  readonly #near: CacheStore;
  readonly #far: CacheStore;
  readonly #clock: () => number;
  readonly #farReads = new SingleFlight();

  constructor(near: CacheStore, far: CacheStore, clock: () => number = Date.now) {
    this.#near = near;
    this.#far = far;
    this.#clock = clock;
  }

  async get(key: string, signal: AbortSignal): Promise<CacheEntry | null> {
    const near = await this.#near.get(key, signal);
    if (near !== null && classifyEntry(near, this.#clock()) === 'fresh') return near;
    // Readers of one key whose near copy has lapsed share one far read: a hot key under 64
    // concurrent requests cost 64 Redis reads of the whole answer each time its copy lapsed
    // (about once a second, on every instance).
    const { result } = await this.#farReads.run(key, (flightSignal) => this.#fetchFar(key, flightSignal), signal);
    return result;
  }

  async #fetchFar(key: string, signal: AbortSignal): Promise<CacheEntry | null> {
    const far = await this.#far.get(key, signal);
    if (far !== null) await this.#near.set(key, far, signal);
    return far;
  }

  /** The near copy while it is fresh: what `get` answers without a round trip. */
  heldLocally(key: string): CacheEntry | null | undefined {
    const near = this.#near.heldLocally?.(key);
    if (near === undefined) return undefined;
    return near !== null && classifyEntry(near, this.#clock()) === 'fresh' ? near : null;
  }

  async set(key: string, entry: CacheEntry, signal: AbortSignal): Promise<void> {
    await this.#far.set(key, entry, signal);
    await this.#near.set(key, entry, signal);
  }

  async delete(key: string, signal: AbortSignal): Promise<void> {
    await this.#near.delete(key, signal);
    await this.#far.delete(key, signal);
  }

  // Locks only mean something where every instance can see them.
  acquireLock(key: string, ttlMs: number, signal: AbortSignal): Promise<string | null> {
    return this.#far.acquireLock(key, ttlMs, signal);
  }

  releaseLock(key: string, token: string, signal: AbortSignal): Promise<void> {
    return this.#far.releaseLock(key, token, signal);
  }

  async close(): Promise<void> {
    await this.#near.close();
    await this.#far.close();
  }
}
