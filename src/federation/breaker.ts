// The circuit breaker of one source (DESIGN §5 step 3): reads the source's state from a
// BreakerStateStore before each call and writes the outcome after it, so that every instance
// sharing the store suspends a source together. The same code runs with or without Redis.
import {
  breakerState,
  CLOSED_BREAKER,
  DEFAULT_BREAKER_POLICY,
  type BreakerPolicy,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateStore,
} from './breaker-state.js';

/** Thrown instead of calling a suspended source. */
export class BreakerOpenError extends Error {
  constructor(readonly source: string) {
    super(`source "${source}" is suspended after repeated failures`);
    this.name = 'BreakerOpenError';
  }
}

export interface SourceBreaker {
  /** The state the last call on this instance saw (calls move it; time alone does not). */
  state(): BreakerState;
  /** Failures in a row since the last success (0 when healthy). */
  consecutiveFailures(): number;
  /**
   * Runs `call` when the circuit allows it, else rejects with `BreakerOpenError`. While a
   * half-open probe is running, other calls are refused rather than queued behind it.
   */
  execute<T>(call: () => Promise<T>): Promise<T>;
}

export interface SourceBreakerOptions {
  store: BreakerStateStore;
  policy?: BreakerPolicy;
  /** Wall clock in epoch ms, the one instances sharing a store agree on (default Date.now). */
  clock?: () => number;
  /** Tells failures of the source (errors, timeouts) from failures of the caller (client gone), which must not count. */
  countsAsFailure: (error: unknown) => boolean;
  onStateChange: (state: BreakerState) => void;
}

export function createSourceBreaker(source: string, options: SourceBreakerOptions): SourceBreaker {
  const { store, countsAsFailure, onStateChange } = options;
  const policy = options.policy ?? DEFAULT_BREAKER_POLICY;
  const clock = options.clock ?? Date.now;
  let known: BreakerSnapshot = CLOSED_BREAKER;
  let reported: BreakerState = 'closed';

  const observe = (snapshot: BreakerSnapshot): BreakerState => {
    known = snapshot;
    const state = breakerState(snapshot, clock());
    if (state !== reported) {
      reported = state;
      onStateChange(state);
    }
    return state;
  };

  return {
    // What the last call saw: like any breaker, it moves to half-open when a call arrives after
    // the suspension, not by itself (list_sources keeps showing `suspended` until then).
    state: () => reported,
    consecutiveFailures: () => known.failures,
    async execute(call) {
      const now = clock();
      const state = observe(await store.get(source, now));
      if (state === 'open') throw new BreakerOpenError(source);
      if (state === 'half-open' && !(await store.tryAcquireProbe(source, now, policy))) throw new BreakerOpenError(source);
      let result: Awaited<ReturnType<typeof call>>;
      try {
        result = await call();
      } catch (error) {
        if (countsAsFailure(error)) observe(await store.recordFailure(source, clock(), policy));
        throw error;
      }
      // A clean breaker needs no write: saves a round trip on every healthy call.
      if (known.failures > 0 || known.trips > 0) {
        await store.recordSuccess(source);
        observe(CLOSED_BREAKER);
      }
      return result;
    },
  };
}
