// Breaker state in process memory: the store of a single instance (no REDIS_URL), and the Redis
// store's fallback while Redis is unreachable. Entries expire like the Redis keys do.
import { applyFailure, breakerState, CLOSED_BREAKER, type BreakerPolicy, type BreakerSnapshot, type BreakerStateStore } from './breaker-state.js';

interface MemoryRecord {
  snapshot: BreakerSnapshot;
  /** Forgotten from then on (the policy's idleResetMs after the last failure). */
  expiresAt: number;
  probeUntil: number;
}

export class MemoryBreakerStateStore implements BreakerStateStore {
  readonly #records = new Map<string, MemoryRecord>();

  async get(source: string, now: number): Promise<BreakerSnapshot> {
    return this.#record(source, now)?.snapshot ?? CLOSED_BREAKER;
  }

  async recordFailure(source: string, now: number, policy: BreakerPolicy): Promise<BreakerSnapshot> {
    const record = this.#record(source, now);
    const before = record?.snapshot ?? CLOSED_BREAKER;
    const after = applyFailure(before, now, policy);
    const tripped = after.trips !== before.trips;
    this.#records.set(source, { snapshot: after, expiresAt: now + policy.idleResetMs, probeUntil: tripped ? 0 : (record?.probeUntil ?? 0) });
    return after;
  }

  async recordSuccess(source: string): Promise<void> {
    this.#records.delete(source);
  }

  async tryAcquireProbe(source: string, now: number, policy: BreakerPolicy): Promise<boolean> {
    const record = this.#record(source, now);
    if (record === null || breakerState(record.snapshot, now) !== 'half-open') return false;
    if (now < record.probeUntil) return false;
    record.probeUntil = now + policy.probeLeaseMs;
    return true;
  }

  async close(): Promise<void> {
    this.#records.clear();
  }

  #record(source: string, now: number): MemoryRecord | null {
    const record = this.#records.get(source);
    if (record === undefined) return null;
    if (now >= record.expiresAt) {
      this.#records.delete(source);
      return null;
    }
    return record;
  }
}
