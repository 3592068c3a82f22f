import { describe, expect, it } from 'vitest';
// The breaker's pure transition rules and the in-memory store; the scenarios every store must
// pass are in test/integration/federation/breaker-stores.test.ts.
import { applyFailure, breakerState, CLOSED_BREAKER, DEFAULT_BREAKER_POLICY } from '../../../src/federation/breaker-state.js';
import { MemoryBreakerStateStore } from '../../../src/federation/memory-breaker-store.js';

const policy = DEFAULT_BREAKER_POLICY;

describe('breaker transitions', () => {
  it('suspends after 5 failures in a row for 5 s, doubling on each trip up to 60 s', () => {
    let state = CLOSED_BREAKER;
    let now = 0;
    for (let i = 0; i < 4; i += 1) state = applyFailure(state, now, policy);
    expect(breakerState(state, now)).toBe('closed');
    state = applyFailure(state, now, policy);
    expect(state).toEqual({ failures: 5, suspendedUntil: 5_000, trips: 1 });
    const suspensions: number[] = [];
    for (let trip = 0; trip < 6; trip += 1) {
      now = state.suspendedUntil; // half-open: the probe fails
      const before = now;
      state = applyFailure(state, now, policy);
      suspensions.push(state.suspendedUntil - before);
    }
    expect(suspensions).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });

  it('does not extend a suspension for calls that fail while it is already open', () => {
    let state = CLOSED_BREAKER;
    for (let i = 0; i < 5; i += 1) state = applyFailure(state, 0, policy);
    const late = applyFailure(state, 1_000, policy);
    expect(late.suspendedUntil).toBe(5_000);
    expect(late.trips).toBe(1);
  });

  it('reports open, then half-open once the suspension is over', () => {
    const state = { failures: 5, suspendedUntil: 5_000, trips: 1 };
    expect(breakerState(state, 4_999)).toBe('open');
    expect(breakerState(state, 5_000)).toBe('half-open');
  });
});

describe('MemoryBreakerStateStore', () => {
  it('grants one half-open probe at a time and resets on success', async () => {
    const store = new MemoryBreakerStateStore();
    for (let i = 0; i < 5; i += 1) await store.recordFailure('wiki', 0, policy);
    expect(await store.tryAcquireProbe('wiki', 1_000, policy)).toBe(false);
    expect(await store.tryAcquireProbe('wiki', 5_000, policy)).toBe(true);
    expect(await store.tryAcquireProbe('wiki', 5_001, policy)).toBe(false);
    await store.recordSuccess('wiki');
    expect(await store.get('wiki', 5_001)).toEqual(CLOSED_BREAKER);
  });

  it('forgets state left untouched for idleResetMs', async () => {
    const store = new MemoryBreakerStateStore();
    await store.recordFailure('wiki', 0, { ...policy, idleResetMs: 1_000 });
    expect((await store.get('wiki', 999)).failures).toBe(1);
    expect((await store.get('wiki', 1_001)).failures).toBe(0);
  });
});
