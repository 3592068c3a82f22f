// The cross-instance half of single-flight: when the store is shared (Redis), one instance takes a
// short lock on a key and computes; the others wait, bounded, for its stored answer or its hand-
// off, and take over when it finishes without one or dies. The read-through cache owns the policy
// (what to store, when); this module owns only the lock protocol.
import { sleep } from '../../connectors/contract/abort.js';
import { classifyEntry, makeEntry } from './entry.js';
import type { CacheOutcome } from './observer.js';
import type { CacheSettings } from './settings.js';
import type { CacheStore } from './store.js';

/** A store call failed (logged, counted); the caller carries on without the store. */
export const STORE_FAILED = Symbol('store failed');
/** A value read back from the store did not pass the caller's check. */
export const INVALID_VALUE = Symbol('invalid value');

/** What a fill produced: the value, whether it came from the store, and how. */
export interface Filled {
  value: unknown;
  cached: boolean;
  outcome: CacheOutcome;
}

export interface StoreLockDeps {
  store: CacheStore;
  settings: Pick<CacheSettings, 'lockTtlMs' | 'lockWaitMs' | 'lockPollMs'>;
  clock: () => number;
  /** Runs one store call; STORE_FAILED when it failed (the caller logs and counts). */
  safe: <R>(label: string, operation: () => Promise<R>, signal: AbortSignal) => Promise<R | typeof STORE_FAILED>;
}

/** One fill of one key under the lock, as a named set of options. */
export interface LockedFill<T> {
  storeKey: string;
  /** Metrics label of the key's namespace. */
  label: string;
  compute: (signal: AbortSignal) => Promise<T>;
  /** Checks a value read back from the store. */
  read: (raw: unknown) => T | typeof INVALID_VALUE;
  /** Whether the value may be cached (partial answers may not). */
  shouldStore: (value: T) => boolean;
  /** Stores a cacheable value; resolves whether it was stored. */
  save: (value: T, signal: AbortSignal) => Promise<boolean>;
  signal: AbortSignal;
}

const LOCK_SUFFIX = ':lock';
const HANDOFF_SUFFIX = ':handoff';
const MAX_POLL_MS = 100;
const RELEASE_TIMEOUT_MS = 1000;

export class StoreLock {
  readonly #deps: StoreLockDeps;

  constructor(deps: StoreLockDeps) {
    this.#deps = deps;
  }

  /**
   * Computes the key once across instances: with the lock, compute (after one more look); without
   * it, poll for the holder's answer until `lockWaitMs`, taking the lock over when it frees up.
   */
  async fill<T>(call: LockedFill<T>): Promise<Filled> {
    const { settings, clock } = this.#deps;
    // Answers finished after this instant were computed for a request like ours: take them.
    const startedAt = clock();
    const deadline = startedAt + settings.lockWaitMs;
    let pause = settings.lockPollMs;
    let token = await this.#acquire(call);
    for (let left = deadline - startedAt; ; left = deadline - clock()) {
      if (token === STORE_FAILED) return this.#computeWithoutStore(call);
      if (token !== null) return this.#recheckThenCompute(call, token, startedAt);
      if (left <= 0) break;
      // Another instance is computing this key: wait for its answer, bounded, polling the store.
      await sleep(Math.min(pause, left), call.signal);
      pause = Math.min(pause * 2, MAX_POLL_MS);
      const finished = await this.#peekFinished(call, startedAt);
      if (finished === STORE_FAILED) return this.#computeWithoutStore(call);
      if (finished !== null) return finished;
      // The holder may have finished without storing (partial) or died: try to take over.
      token = await this.#acquire(call);
    }
    const value = await call.compute(call.signal);
    await call.save(value, call.signal);
    return { value, cached: false, outcome: 'miss' };
  }

  /** Runs `work` only when no instance holds the key's lock (a background refresh); null when skipped. */
  async runExclusive<R>(call: Pick<LockedFill<unknown>, 'storeKey' | 'label' | 'signal'>, work: () => Promise<R>): Promise<R | null> {
    const token = await this.#acquire(call);
    if (token === STORE_FAILED || token === null) return null;
    try {
      return await work();
    } finally {
      await this.#release(call, token);
    }
  }

  #acquire(call: Pick<LockedFill<unknown>, 'storeKey' | 'label' | 'signal'>): Promise<string | null | typeof STORE_FAILED> {
    const { store, settings, safe } = this.#deps;
    return safe(call.label, () => store.acquireLock(call.storeKey + LOCK_SUFFIX, settings.lockTtlMs, call.signal), call.signal);
  }

  // Released even when the callers gave up, so that waiters elsewhere need not time out.
  async #release(call: Pick<LockedFill<unknown>, 'storeKey' | 'label'>, token: string): Promise<void> {
    const { store, safe } = this.#deps;
    const releaseSignal = AbortSignal.timeout(RELEASE_TIMEOUT_MS);
    await safe(call.label, () => store.releaseLock(call.storeKey + LOCK_SUFFIX, token, releaseSignal), releaseSignal);
  }

  async #computeWithoutStore<T>(call: LockedFill<T>): Promise<Filled> {
    return { value: await call.compute(call.signal), cached: false, outcome: 'bypass' };
  }

  /**
   * Double-checked: between our last read and our lock, the previous holder may have stored its
   * answer and released the lock. Look once more before computing it a second time.
   */
  async #recheckThenCompute<T>(call: LockedFill<T>, token: string, startedAt: number): Promise<Filled> {
    const finished = await this.#peekFinished(call, startedAt);
    if (finished === null) return this.#computeHolding(call, token);
    await this.#release(call, token);
    return finished === STORE_FAILED ? this.#computeWithoutStore(call) : finished;
  }

  async #computeHolding<T>(call: LockedFill<T>, token: string): Promise<Filled> {
    const { store, settings, clock, safe } = this.#deps;
    try {
      const value = await call.compute(call.signal);
      if (call.shouldStore(value)) {
        await call.save(value, call.signal);
      } else {
        // Not cacheable, but instances waiting on this lock may take this very answer.
        const handoff = makeEntry(value, clock(), settings.lockWaitMs, 0);
        await safe(call.label, () => store.set(call.storeKey + HANDOFF_SUFFIX, handoff, call.signal), call.signal);
      }
      return { value, cached: false, outcome: 'miss' };
    } finally {
      await this.#release(call, token);
    }
  }

  /** An answer another instance finished while we waited, null when none yet. */
  async #peekFinished<T>(call: LockedFill<T>, waitStart: number): Promise<Filled | null | typeof STORE_FAILED> {
    const { store, clock, safe } = this.#deps;
    // Both read at once: mostly neither is there, and one round trip to the store beats two.
    const [entry, handoff] = await Promise.all([
      safe(call.label, () => store.get(call.storeKey, call.signal), call.signal),
      safe(call.label, () => store.get(call.storeKey + HANDOFF_SUFFIX, call.signal), call.signal),
    ]);
    if (entry === STORE_FAILED) return STORE_FAILED;
    if (entry !== null && classifyEntry(entry, clock()) !== 'expired') {
      const value = call.read(entry.value);
      if (value !== INVALID_VALUE) return { value, cached: true, outcome: 'shared' };
    }
    if (handoff === STORE_FAILED) return STORE_FAILED;
    // Only an answer computed while we were waiting: an older partial one would amount to caching it.
    if (handoff !== null && handoff.storedAt >= waitStart) {
      const value = call.read(handoff.value);
      if (value !== INVALID_VALUE) return { value, cached: false, outcome: 'shared' };
    }
    return null;
  }
}
