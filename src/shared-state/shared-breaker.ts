// Adapts a BreakerStateStore to the federation's BreakerFactory, so every instance suspends a
// source together: state is read from the shared store before each call and written after it.
import { BreakerOpenError, type BreakerFactory, type BreakerSettings, type BreakerState } from '../federation/breaker.js';
import { breakerPhase, CLOSED_BREAKER, DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerSnapshot, type BreakerStateStore } from './breaker-state.js';

/** The store policy matching the federation's breaker settings. */
export function breakerPolicyFrom(settings: BreakerSettings): BreakerPolicy {
  return {
    ...DEFAULT_BREAKER_POLICY,
    failureThreshold: settings.failureThreshold,
    baseSuspendMs: settings.initialBackoffMs,
    maxSuspendMs: settings.maxBackoffMs,
  };
}

/**
 * A BreakerFactory on a shared store. The store's own policy decides thresholds and back-off
 * (build it with `breakerPolicyFrom(settings)`); `clock` is the wall clock every instance shares.
 */
export function createSharedBreakerFactory(store: BreakerStateStore, clock: () => number = Date.now): BreakerFactory {
  return (source, _settings, hooks) => {
    let known: BreakerSnapshot = CLOSED_BREAKER;
    let reported: BreakerState = 'closed';

    const observe = (snapshot: BreakerSnapshot): BreakerState => {
      known = snapshot;
      const phase = breakerPhase(snapshot, clock());
      if (phase !== reported) {
        reported = phase;
        hooks.onStateChange(phase);
      }
      return phase;
    };

    return {
      // Last state seen by this instance; refreshed by every call.
      state: () => breakerPhase(known, clock()),
      consecutiveFailures: () => known.failures,
      async execute(call) {
        const now = clock();
        const phase = observe(await store.get(source));
        if (phase === 'open') throw new BreakerOpenError(source);
        if (phase === 'half-open' && !(await store.tryAcquireProbe(source, now))) throw new BreakerOpenError(source);
        let result: Awaited<ReturnType<typeof call>>;
        try {
          result = await call();
        } catch (error) {
          if (hooks.countsAsFailure(error)) observe(await store.recordFailure(source, clock()));
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
  };
}
