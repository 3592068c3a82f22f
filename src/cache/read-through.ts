// The read-through cache behind the federation's SearchCache port: fresh hits, stale-while-
// revalidate with one background refresh, single-flight within the process and (through a short
// store lock) across instances, generations folded into keys, and fail-open when the store fails.
import type { CacheComputeOptions, CacheLease, CacheLookup, SearchCache } from '../federation/cache-port.js';
import { sha256Base64url } from '../digest.js';
import type { StateLogger } from '../shared-state/logger.js';
import type { RedisLinkStatus } from '../shared-state/redis-link.js';
import { endCacheLookup, isTracing, startCacheLookup } from '../telemetry/tracing.js';
import { classifyEntry, makeEntry, type CacheEntry } from './entry.js';
import type { GenerationStore } from './generation-store.js';
import { noopObserver, type CacheEvent, type CacheObserver, type CacheOutcome } from './observer.js';
import type { CacheSettings } from './settings.js';
import { SingleFlight } from './single-flight.js';
import type { CacheStore } from './store.js';
import { INVALID_VALUE, STORE_FAILED, StoreLock, type Filled, type LockedFill } from './store-lock.js';

export interface ReadThroughOptions<T> extends CacheComputeOptions<T> {
  /** Overrides the configured stale window for this call. */
  staleMs?: number;
  /** Checks a value read back from the store; null makes it a miss. */
  parse?: (raw: unknown) => T | null;
}

export interface ReadThroughResult<T> extends CacheLookup<T> {
  outcome: CacheOutcome;
}

export interface CacheStatus {
  backend: 'redis' | 'memory';
  state: RedisLinkStatus['state'];
  since: number | null;
  lastError: string | null;
}

/** The slice of RedisLink the cache watches; absent for the in-memory backend. */
export interface CacheHealth {
  isDegraded(): boolean;
  status(): RedisLinkStatus;
}

export interface ReadThroughCacheOptions {
  store: CacheStore;
  generations: GenerationStore;
  health: CacheHealth | null;
  settings: Pick<CacheSettings, 'staleMs' | 'keyPrefix' | 'lockTtlMs' | 'lockWaitMs' | 'lockPollMs' | 'refreshTimeoutMs'>;
  logger: StateLogger;
  observer?: CacheObserver;
  clock?: () => number;
}

/** The key's namespace (`search:…` → `search`), used as the metrics label. */
function labelOf(key: string): string {
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(0, colon) : 'cache';
}

/** A short digest of the sources' generations; any bump gives a different key. */
export function foldGenerations(generations: ReadonlyMap<string, number>): string {
  if (generations.size === 0) return 'g0';
  const pairs = [...generations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Base64url(JSON.stringify(pairs)).slice(0, 16);
}

export class ReadThroughCache implements SearchCache {
  readonly #store: CacheStore;
  readonly #generations: GenerationStore;
  readonly #health: CacheHealth | null;
  readonly #settings: ReadThroughCacheOptions['settings'];
  readonly #logger: StateLogger;
  readonly #observer: CacheObserver;
  readonly #clock: () => number;
  readonly #flights = new SingleFlight();
  readonly #refreshing = new Set<string>();
  readonly #closing = new AbortController();
  readonly #lock: StoreLock;

  constructor(options: ReadThroughCacheOptions) {
    this.#store = options.store;
    this.#generations = options.generations;
    this.#health = options.health;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#observer = options.observer ?? noopObserver;
    this.#clock = options.clock ?? Date.now;
    this.#lock = new StoreLock({
      store: this.#store,
      settings: this.#settings,
      clock: this.#clock,
      safe: (label, operation, signal) => this.#safe(label, operation, signal),
    });
  }

  isDegraded(): boolean {
    return this.#health?.isDegraded() ?? false;
  }

  status(): CacheStatus {
    if (this.#health === null) return { backend: 'memory', state: 'ok', since: null, lastError: null };
    return { backend: 'redis', ...this.#health.status() };
  }

  /** Background refreshes under way (for tests and shutdown). */
  get refreshesInFlight(): number {
    return this.#refreshing.size;
  }

  async getOrCompute<T>(key: string, compute: (signal: AbortSignal) => Promise<T>, options: ReadThroughOptions<T>): Promise<ReadThroughResult<T>> {
    const { signal } = options;
    signal.throwIfAborted();
    const label = labelOf(key);
    // Null unless tracing is on; ended before any computation, so a miss's source calls are not its children.
    const lookup = startCacheLookup(label);
    // Read before the generations: a bump while this lookup runs leaves its lease invalid.
    const version = this.#generations.version;
    const storeKey = options.ttlMs > 0 && !this.isDegraded() ? await this.#storeKey(key, options.sources, signal) : null;
    if (storeKey === null) {
      endCacheLookup(lookup, 'bypass');
      return this.#bypass(key, label, compute, signal);
    }

    const entry = await this.#safe(label, () => this.#store.get(storeKey, signal), signal);
    if (entry !== STORE_FAILED && entry !== null) {
      const value = this.#parse(entry.value, options);
      const freshness = classifyEntry(entry, this.#clock());
      if (value !== INVALID_VALUE && freshness === 'fresh') {
        endCacheLookup(lookup, 'hit');
        this.#observer.event(label, 'hit');
        // Traced lookups each get their span, so they are never skipped.
        const lease = lookup === null ? this.#lease(storeKey, entry, label, version, options.sources) : undefined;
        return lease === undefined ? { value, cached: true, outcome: 'hit' } : { value, cached: true, outcome: 'hit', lease };
      }
      if (value !== INVALID_VALUE && freshness === 'stale') {
        endCacheLookup(lookup, 'stale');
        this.#refreshInBackground(storeKey, label, compute, options);
        this.#observer.event(label, 'stale');
        return { value, cached: true, outcome: 'stale' };
      }
    }
    endCacheLookup(lookup, entry === STORE_FAILED ? 'bypass' : 'miss');
    if (entry === STORE_FAILED) return this.#bypass(key, label, compute, signal);

    const { result, leader } = await this.#flights.run(storeKey, (flightSignal) => this.#fill(storeKey, label, compute, options, flightSignal), signal);
    const outcome = leader ? result.outcome : 'shared';
    this.#observer.event(label, outcome);
    // Every caller of one key asks for the same type; values are shared, hence read-only.
    return { value: result.value as T, cached: result.cached, outcome };
  }

  /** Stops background refreshes. The store's connection belongs to whoever created it. */
  async close(): Promise<void> {
    this.#closing.abort(new DOMException('cache closed', 'AbortError'));
    await this.#store.close();
  }

  async #storeKey(key: string, sources: readonly string[], signal: AbortSignal): Promise<string | null> {
    const generations = await this.#generations.read(sources, signal);
    if (generations === null) return null;
    return `${this.#settings.keyPrefix}c:${key}:${foldGenerations(generations)}`;
  }

  // No cache, but concurrent identical calls still share one computation.
  async #bypass<T>(key: string, label: string, compute: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<ReadThroughResult<T>> {
    const { result, leader } = await this.#flights.run(`bypass\u0000${key}`, compute, signal);
    const outcome: CacheOutcome = leader ? 'bypass' : 'shared';
    this.#observer.event(label, outcome);
    return { value: result, cached: false, outcome };
  }

  async #fill<T>(
    storeKey: string,
    label: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): Promise<Filled> {
    if (this.#store.shared) return this.#lock.fill(this.#lockedFill(storeKey, label, compute, options, signal));
    const value = await compute(signal);
    await this.#save(storeKey, label, value, options, signal);
    return { value, cached: false, outcome: 'miss' };
  }

  #lockedFill<T>(
    storeKey: string,
    label: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): LockedFill<T> {
    return {
      storeKey,
      label,
      compute,
      read: (raw) => this.#parse(raw, options),
      shouldStore: options.shouldStore,
      save: (value, saveSignal) => this.#save(storeKey, label, value, options, saveSignal),
      signal,
    };
  }

  async #save<T>(storeKey: string, label: string, value: T, options: ReadThroughOptions<T>, signal: AbortSignal): Promise<boolean> {
    if (!options.shouldStore(value)) return false;
    const entry: CacheEntry = makeEntry(value, this.#clock(), options.ttlMs, options.staleMs ?? this.#settings.staleMs);
    return (await this.#safe(label, () => this.#store.set(storeKey, entry, signal), signal)) !== STORE_FAILED;
  }

  #refreshInBackground<T>(storeKey: string, label: string, compute: (signal: AbortSignal) => Promise<T>, options: ReadThroughOptions<T>): void {
    if (this.#refreshing.has(storeKey) || this.#flights.has(storeKey) || this.#closing.signal.aborted) return;
    this.#refreshing.add(storeKey);
    const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#settings.refreshTimeoutMs)]);
    this.#refresh(storeKey, label, compute, options, signal)
      .then(
        (event) => this.#observer.event(label, event),
        (error: unknown) => {
          this.#observer.event(label, 'refresh_failed');
          if (!signal.aborted) this.#logger.debug({ err: error, cache: label }, 'background cache refresh failed');
        },
      )
      .finally(() => this.#refreshing.delete(storeKey));
  }

  async #refresh<T>(
    storeKey: string,
    label: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): Promise<CacheEvent> {
    const work = async () => ((await this.#save(storeKey, label, await compute(signal), options, signal)) ? 'refreshed' : 'refresh_skipped');
    // Another instance refreshing (or computing) this key already: one refresh is enough.
    if (this.#store.shared) return (await this.#lock.runExclusive({ storeKey, label, signal }, work)) ?? 'refresh_skipped';
    return work();
  }

  /**
   * A lease on a fresh hit, when the store can tell without I/O that the entry is still held
   * (memory, or Redis's first tier). It ends with the entry's freshness, when the entry leaves the
   * store or is replaced (the same object must still be there), when the generations it was keyed
   * on are due to be read again or may have changed, and while the cache is degraded.
   */
  #lease(storeKey: string, entry: CacheEntry, label: string, version: number, sources: readonly string[]): CacheLease | undefined {
    const store = this.#store;
    if (store.heldLocally?.(storeKey) !== entry) return undefined;
    const until = Math.min(entry.freshUntil, this.#generations.trustedUntil(sources));
    return {
      isValid: () =>
        this.#clock() < until &&
        this.#generations.version === version &&
        !this.isDegraded() &&
        !this.#closing.signal.aborted &&
        !isTracing() &&
        store.heldLocally?.(storeKey) === entry,
      recordHit: () => this.#observer.event(label, 'hit'),
    };
  }

  #parse<T>(raw: unknown, options: ReadThroughOptions<T>): T | typeof INVALID_VALUE {
    if (options.parse === undefined) return raw as T;
    return options.parse(raw) ?? INVALID_VALUE;
  }

  async #safe<R>(label: string, operation: () => Promise<R>, signal: AbortSignal): Promise<R | typeof STORE_FAILED> {
    try {
      return await operation();
    } catch (error) {
      if (signal.aborted) throw error;
      // The RedisLink logs the outage once; per-call detail only at debug.
      this.#observer.event(label, 'store_error');
      this.#logger.debug({ err: error, cache: label }, 'cache store call failed; answering without the cache');
      return STORE_FAILED;
    }
  }
}
