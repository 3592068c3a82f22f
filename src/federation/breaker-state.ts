// The circuit breaker's policy, state and transition rules (DESIGN §5 step 3), and the port its
// state is kept behind: process memory without Redis, Redis when instances share it. One policy,
// one set of rules, whichever store holds the state.

/** What a source's breaker is doing: passing calls, refusing them, or letting one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  /** Failures in a row (across all instances sharing the store) that suspend a source. DESIGN: 5. */
  failureThreshold: number;
  /** First suspension; doubles on every trip without a success in between. DESIGN: 5 s. */
  baseSuspendMs: number;
  /** Cap of the doubling. DESIGN: 60 s. */
  maxSuspendMs: number;
  /** How long one half-open probe may take before another caller may probe. */
  probeLeaseMs: number;
  /** State untouched this long is forgotten (failure counts decay). */
  idleResetMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  failureThreshold: 5,
  baseSuspendMs: 5_000,
  maxSuspendMs: 60_000,
  probeLeaseMs: 5_000,
  idleResetMs: 600_000,
};

export interface BreakerSnapshot {
  /** Failures in a row since the last success. */
  failures: number;
  /** Epoch ms until which the source is suspended; 0 when it never was since the last success. */
  suspendedUntil: number;
  /** Trips since the last success: the back-off exponent. */
  trips: number;
}

export const CLOSED_BREAKER: BreakerSnapshot = Object.freeze({ failures: 0, suspendedUntil: 0, trips: 0 });

/**
 * Where breaker state lives. The policy comes with each call, so one store serves breakers of
 * any policy and the rules stay in one place (the breaker). Methods never throw for backend
 * trouble: the Redis store falls back to per-instance memory while Redis is unreachable.
 */
export interface BreakerStateStore {
  get(source: string, now: number, signal?: AbortSignal): Promise<BreakerSnapshot>;
  /** Counts one failure; trips (suspends) the source when the threshold is reached. */
  recordFailure(source: string, now: number, policy: BreakerPolicy, signal?: AbortSignal): Promise<BreakerSnapshot>;
  /** Any success closes the breaker and resets the back-off. */
  recordSuccess(source: string, signal?: AbortSignal): Promise<void>;
  /**
   * In the half-open state, grants the single probe call (across instances) for
   * `policy.probeLeaseMs`; everyone else keeps treating the source as suspended.
   */
  tryAcquireProbe(source: string, now: number, policy: BreakerPolicy, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

export function breakerState(snapshot: BreakerSnapshot, now: number): BreakerState {
  if (snapshot.trips === 0) return 'closed';
  return now < snapshot.suspendedUntil ? 'open' : 'half-open';
}

/** The failure transition; the Redis store's Lua script implements exactly this. */
export function applyFailure(snapshot: BreakerSnapshot, now: number, policy: BreakerPolicy): BreakerSnapshot {
  const failures = snapshot.failures + 1;
  // Failures of calls that were already in flight when the source tripped must not extend it.
  if (failures < policy.failureThreshold || now < snapshot.suspendedUntil) {
    return { failures, suspendedUntil: snapshot.suspendedUntil, trips: snapshot.trips };
  }
  const suspendMs = Math.min(policy.baseSuspendMs * 2 ** snapshot.trips, policy.maxSuspendMs);
  return { failures, suspendedUntil: now + suspendMs, trips: snapshot.trips + 1 };
}
