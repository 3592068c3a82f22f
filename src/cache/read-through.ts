// The read-through cache behind the federation's SearchCache port: fresh hits, stale-while-
// revalidate with one background refresh, single-flight within the process and (through a short
// store lock) across instances, generations folded into keys, and fail-open when the store fails.
import type { CacheComputeOptions, CacheLookup, SearchCache } from '../federation/cache-port.js';
import { sleep } from '../../connectors/contract/abort.js';
import { sha256Base64url } from '../digest.js';
import type { StateLogger } from '../shared-state/logger.js';
import type { RedisLinkStatus } from '../shared-state/redis-link.js';
import { endCacheLookup, startCacheLookup } from '../telemetry/tracing.js';
import { classifyEntry, makeEntry, type CacheEntry } from './entry.js';
import type { GenerationStore } from './generation-store.js';
import { noopObserver, type CacheEvent, type CacheObserver, type CacheOutcome } from './observer.js';
import type { CacheSettings } from './settings.js';
import { SingleFlight } from './single-flight.js';
import type { CacheStore } from './store.js';

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

interface Filled {
  value: unknown;
  cached: boolean;
  outcome: CacheOutcome;
}

const LOCK_SUFFIX = ':lock';
const HANDOFF_SUFFIX = ':handoff';
const MAX_POLL_MS = 100;
/** A store call failed (logged, counted); the caller carries on without the store. */
const FAILED = Symbol('store failed');
const INVALID = Symbol('invalid value');

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

  constructor(options: ReadThroughCacheOptions) {
    this.#store = options.store;
    this.#generations = options.generations;
    this.#health = options.health;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#observer = options.observer ?? noopObserver;
    this.#clock = options.clock ?? Date.now;
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
    const storeKey = options.ttlMs > 0 && !this.isDegraded() ? await this.#storeKey(key, options.sources, signal) : null;
    if (storeKey === null) {
      endCacheLookup(lookup, 'bypass');
      return this.#bypass(key, label, compute, signal);
    }

    const entry = await this.#safe(label, () => this.#store.get(storeKey, signal), signal);
    if (entry !== FAILED && entry !== null) {
      const value = this.#parse(entry.value, options);
      const freshness = classifyEntry(entry, this.#clock());
      if (value !== INVALID && freshness === 'fresh') {
        endCacheLookup(lookup, 'hit');
        this.#observer.event(label, 'hit');
        return { value, cached: true, outcome: 'hit' };
      }
      if (value !== INVALID && freshness === 'stale') {
        endCacheLookup(lookup, 'stale');
        this.#refreshInBackground(storeKey, label, compute, options);
        this.#observer.event(label, 'stale');
        return { value, cached: true, outcome: 'stale' };
      }
    }
    endCacheLookup(lookup, entry === FAILED ? 'bypass' : 'miss');
    if (entry === FAILED) return this.#bypass(key, label, compute, signal);

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
    if (!this.#store.shared) {
      const value = await compute(signal);
      await this.#save(storeKey, label, value, options, signal);
      return { value, cached: false, outcome: 'miss' };
    }
    const lockKey = storeKey + LOCK_SUFFIX;
    // Answers finished after this instant were computed for a request like ours: take them.
    const startedAt = this.#clock();
    let token = await this.#safe(label, () => this.#store.acquireLock(lockKey, this.#settings.lockTtlMs, signal), signal);
    if (token === FAILED) return { value: await compute(signal), cached: false, outcome: 'bypass' };
    if (token !== null) return this.#recheckThenCompute(storeKey, lockKey, token, startedAt, label, compute, options, signal);

    // Another instance is computing this key: wait for its answer, bounded, polling the store.
    const deadline = startedAt + this.#settings.lockWaitMs;
    let pause = this.#settings.lockPollMs;
    for (let left = deadline - startedAt; left > 0; left = deadline - this.#clock()) {
      await sleep(Math.min(pause, left), signal);
      pause = Math.min(pause * 2, MAX_POLL_MS);
      const finished = await this.#peekFinished(storeKey, label, startedAt, options, signal);
      if (finished === FAILED) return { value: await compute(signal), cached: false, outcome: 'bypass' };
      if (finished !== null) return finished;
      // The holder may have finished without storing (partial) or died: take over.
      token = await this.#safe(label, () => this.#store.acquireLock(lockKey, this.#settings.lockTtlMs, signal), signal);
      if (token === FAILED) return { value: await compute(signal), cached: false, outcome: 'bypass' };
      if (token !== null) return this.#recheckThenCompute(storeKey, lockKey, token, startedAt, label, compute, options, signal);
    }
    const value = await compute(signal);
    await this.#save(storeKey, label, value, options, signal);
    return { value, cached: false, outcome: 'miss' };
  }

  /**
   * Double-checked: between our last read and our lock, the previous holder may have stored its
   * answer and released the lock. Look once more before computing it a second time.
   */
  async #recheckThenCompute<T>(
    storeKey: string,
    lockKey: string,
    token: string,
    startedAt: number,
    label: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): Promise<Filled> {
    const finished = await this.#peekFinished(storeKey, label, startedAt, options, signal);
    if (finished === null) return this.#computeHolding(storeKey, lockKey, token, label, compute, options, signal);
    await this.#release(lockKey, token, label);
    if (finished === FAILED) return { value: await compute(signal), cached: false, outcome: 'bypass' };
    return finished;
  }

  async #computeHolding<T>(
    storeKey: string,
    lockKey: string,
    token: string,
    label: string,
    compute: (signal: AbortSignal) => Promise<T>,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): Promise<Filled> {
    try {
      const value = await compute(signal);
      if (options.shouldStore(value)) {
        await this.#save(storeKey, label, value, options, signal);
      } else {
        // Not cacheable, but instances waiting on this lock may take this very answer.
        const handoff = makeEntry(value, this.#clock(), this.#settings.lockWaitMs, 0);
        await this.#safe(label, () => this.#store.set(storeKey + HANDOFF_SUFFIX, handoff, signal), signal);
      }
      return { value, cached: false, outcome: 'miss' };
    } finally {
      await this.#release(lockKey, token, label);
    }
  }

  // Released even when the callers gave up, so that waiters elsewhere need not time out.
  async #release(lockKey: string, token: string, label: string): Promise<void> {
    const releaseSignal = AbortSignal.timeout(1000);
    await this.#safe(label, () => this.#store.releaseLock(lockKey, token, releaseSignal), releaseSignal);
  }

  /** An answer another instance finished while we waited, null when none yet. */
  async #peekFinished<T>(
    storeKey: string,
    label: string,
    waitStart: number,
    options: ReadThroughOptions<T>,
    signal: AbortSignal,
  ): Promise<Filled | null | typeof FAILED> {
    const entry = await this.#safe(label, () => this.#store.get(storeKey, signal), signal);
    if (entry === FAILED) return FAILED;
    if (entry !== null && classifyEntry(entry, this.#clock()) !== 'expired') {
      const value = this.#parse(entry.value, options);
      if (value !== INVALID) return { value, cached: true, outcome: 'shared' };
    }
    const handoff = await this.#safe(label, () => this.#store.get(storeKey + HANDOFF_SUFFIX, signal), signal);
    if (handoff === FAILED) return FAILED;
    // Only an answer computed while we were waiting: an older partial one would amount to caching it.
    if (handoff !== null && handoff.storedAt >= waitStart) {
      const value = this.#parse(handoff.value, options);
      if (value !== INVALID) return { value, cached: false, outcome: 'shared' };
    }
    return null;
  }

  async #save<T>(storeKey: string, label: string, value: T, options: ReadThroughOptions<T>, signal: AbortSignal): Promise<boolean> {
    if (!options.shouldStore(value)) return false;
    const entry: CacheEntry = makeEntry(value, this.#clock(), options.ttlMs, options.staleMs ?? this.#settings.staleMs);
    return (await this.#safe(label, () => this.#store.set(storeKey, entry, signal), signal)) !== FAILED;
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
    let token: string | null = null;
    const lockKey = storeKey + LOCK_SUFFIX;
    if (this.#store.shared) {
      // Another instance refreshing (or computing) this key already: one refresh is enough.
      const acquired = await this.#safe(label, () => this.#store.acquireLock(lockKey, this.#settings.lockTtlMs, signal), signal);
      if (acquired === FAILED || acquired === null) return 'refresh_skipped';
      token = acquired;
    }
    try {
      const value = await compute(signal);
      return (await this.#save(storeKey, label, value, options, signal)) ? 'refreshed' : 'refresh_skipped';
    } finally {
      if (token !== null) await this.#release(lockKey, token, label);
    }
  }

  #parse<T>(raw: unknown, options: ReadThroughOptions<T>): T | typeof INVALID {
    if (options.parse === undefined) return raw as T;
    return options.parse(raw) ?? INVALID;
  }

  async #safe<R>(label: string, operation: () => Promise<R>, signal: AbortSignal): Promise<R | typeof FAILED> {
    try {
      return await operation();
    } catch (error) {
      if (signal.aborted) throw error;
      // The RedisLink logs the outage once; per-call detail only at debug.
      this.#observer.event(label, 'store_error');
      this.#logger.debug({ err: error, cache: label }, 'cache store call failed; answering without the cache');
      return FAILED;
    }
  }
}
