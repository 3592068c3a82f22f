// Circuit breaker per source behind a small interface (so its state can later live in Redis),
// implemented on cockatiel: N failures in a row open it; half-open probes back off exponentially.
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isIsolatedCircuitError,
  noJitterGenerator,
} from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** Failures in a row that open the circuit (default 5). */
  failureThreshold: number;
  /** First suspension; each failed half-open probe doubles it (default 5000). */
  initialBackoffMs: number;
  /** Longest suspension (default 60000). */
  maxBackoffMs: number;
}

/** Thrown instead of calling a suspended source. */
export class BreakerOpenError extends Error {
  constructor(readonly source: string) {
    super(`source "${source}" is suspended after repeated failures`);
    this.name = 'BreakerOpenError';
  }
}

export interface SourceBreaker {
  state(): BreakerState;
  /** Failures in a row since the last success (0 when healthy). */
  consecutiveFailures(): number;
  /**
   * Runs `call` when the circuit allows it, else rejects with `BreakerOpenError`. While a
   * half-open probe is running, other calls are refused rather than queued behind it.
   */
  execute<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * Builds the breaker of one source. `countsAsFailure` tells failures of the source (errors,
 * timeouts) from failures of the caller (client gone), which must not count.
 */
export type BreakerFactory = (
  source: string,
  settings: BreakerSettings,
  hooks: { countsAsFailure: (error: unknown) => boolean; onStateChange: (state: BreakerState) => void },
) => SourceBreaker;

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** In-process breaker on cockatiel. Its clock is `Date.now` (tests move it with fake timers). */
export const createCockatielBreaker: BreakerFactory = (source, settings, hooks) => {
  const counter = new ConsecutiveBreaker(settings.failureThreshold);
  const policy = circuitBreaker(handleWhen(hooks.countsAsFailure), {
    breaker: counter,
    // noJitter: initial × 2^attempt capped at max: 5 s, 10 s, 20 s, 40 s, 60 s…
    halfOpenAfter: new ExponentialBackoff({
      generator: noJitterGenerator,
      initialDelay: settings.initialBackoffMs,
      maxDelay: settings.maxBackoffMs,
    }),
  });
  policy.onStateChange((state) => hooks.onStateChange(STATES[state]));
  return {
    state: () => STATES[policy.state],
    consecutiveFailures: () => counter.state,
    async execute(call) {
      if (policy.state === CircuitState.HalfOpen) throw new BreakerOpenError(source);
      try {
        return await policy.execute(call);
      } catch (error) {
        if (isBrokenCircuitError(error) || isIsolatedCircuitError(error)) throw new BreakerOpenError(source);
        throw error;
      }
    },
  };
};
