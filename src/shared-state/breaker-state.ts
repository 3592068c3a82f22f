// Circuit-breaker state shared by every instance (DESIGN §5 step 3, §8): the interface, the
// policy, the pure transition rules and the in-memory implementation used without Redis.

export interface BreakerPolicy {
  /** Failures in a row (across all instances) that suspend a source. DESIGN: 5. */
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
  /** Failures in a row since the last success, counted across instances. */
  failures: number;
  /** Epoch ms until which the source is suspended; 0 when it never was since the last success. */
  suspendedUntil: number;
  /** Trips since the last success: the back-off exponent. */
  trips: number;
}

export const CLOSED_BREAKER: BreakerSnapshot = Object.freeze({ failures: 0, suspendedUntil: 0, trips: 0 });

export type BreakerPhase = 'closed' | 'open' | 'half-open';

/**
 * Breaker state for every source, shared through Redis when there is one, so that when one
 * instance suspends a source the others see it. Methods never throw for backend trouble: the
 * Redis implementation falls back to per-instance memory while Redis is unreachable.
 */
export interface BreakerStateStore {
  get(source: string, signal?: AbortSignal): Promise<BreakerSnapshot>;
  /** Counts one failure; trips (suspends) the source when the threshold is reached. */
  recordFailure(source: string, now: number, signal?: AbortSignal): Promise<BreakerSnapshot>;
  /** Any success closes the breaker and resets the back-off. */
  recordSuccess(source: string, signal?: AbortSignal): Promise<void>;
  /**
   * In the half-open phase, grants the single probe call (across instances) for
   * `probeLeaseMs`; everyone else keeps treating the source as suspended.
   */
  tryAcquireProbe(source: string, now: number, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

export function breakerPhase(snapshot: BreakerSnapshot, now: number): BreakerPhase {
  if (snapshot.trips === 0) return 'closed';
  return now < snapshot.suspendedUntil ? 'open' : 'half-open';
}

/** The failure transition; the Redis Lua script implements exactly this. */
export function applyFailure(snapshot: BreakerSnapshot, now: number, policy: BreakerPolicy): BreakerSnapshot {
  const failures = snapshot.failures + 1;
  // Failures of calls that were already in flight when the source tripped must not extend it.
  if (failures < policy.failureThreshold || now < snapshot.suspendedUntil) {
    return { failures, suspendedUntil: snapshot.suspendedUntil, trips: snapshot.trips };
  }
  const suspendMs = Math.min(policy.baseSuspendMs * 2 ** snapshot.trips, policy.maxSuspendMs);
  return { failures, suspendedUntil: now + suspendMs, trips: snapshot.trips + 1 };
}

interface MemoryRecord {
  snapshot: BreakerSnapshot;
  touchedAt: number;
  probeUntil: number;
}

export class MemoryBreakerStateStore implements BreakerStateStore {
  readonly #policy: BreakerPolicy;
  readonly #clock: () => number;
  readonly #records = new Map<string, MemoryRecord>();

  constructor(policy: BreakerPolicy = DEFAULT_BREAKER_POLICY, clock: () => number = Date.now) {
    this.#policy = policy;
    this.#clock = clock;
  }

  async get(source: string): Promise<BreakerSnapshot> {
    return this.#record(source)?.snapshot ?? CLOSED_BREAKER;
  }

  async recordFailure(source: string, now: number): Promise<BreakerSnapshot> {
    const record = this.#record(source);
    const before = record?.snapshot ?? CLOSED_BREAKER;
    const after = applyFailure(before, now, this.#policy);
    const tripped = after.trips !== before.trips;
    this.#records.set(source, { snapshot: after, touchedAt: this.#clock(), probeUntil: tripped ? 0 : (record?.probeUntil ?? 0) });
    return after;
  }

  async recordSuccess(source: string): Promise<void> {
    this.#records.delete(source);
  }

  async tryAcquireProbe(source: string, now: number): Promise<boolean> {
    const record = this.#record(source);
    if (record === null || breakerPhase(record.snapshot, now) !== 'half-open') return false;
    if (now < record.probeUntil) return false;
    record.probeUntil = now + this.#policy.probeLeaseMs;
    return true;
  }

  async close(): Promise<void> {
    this.#records.clear();
  }

  #record(source: string): MemoryRecord | null {
    const record = this.#records.get(source);
    if (record === undefined) return null;
    if (this.#clock() - record.touchedAt > this.#policy.idleResetMs) {
      this.#records.delete(source);
      return null;
    }
    return record;
  }
}
