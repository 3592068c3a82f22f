import { describe, expect, it } from 'vitest';
import { BreakerOpenError } from '../../../../src/federation/breaker.js';
import { applyFailure, breakerPhase, CLOSED_BREAKER, DEFAULT_BREAKER_POLICY, MemoryBreakerStateStore } from '../../../../src/shared-state/breaker-state.js';
import { breakerPolicyFrom, createSharedBreakerFactory } from '../../../../src/shared-state/shared-breaker.js';

const policy = DEFAULT_BREAKER_POLICY;

describe('breaker transitions', () => {
  it('suspends after 5 failures in a row for 5 s, doubling on each trip up to 60 s', () => {
    let state = CLOSED_BREAKER;
    let now = 0;
    for (let i = 0; i < 4; i += 1) state = applyFailure(state, now, policy);
    expect(breakerPhase(state, now)).toBe('closed');
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
    expect(breakerPhase(state, 4_999)).toBe('open');
    expect(breakerPhase(state, 5_000)).toBe('half-open');
  });
});

describe('MemoryBreakerStateStore', () => {
  it('grants one half-open probe at a time and resets on success', async () => {
    const store = new MemoryBreakerStateStore(policy, () => 0);
    for (let i = 0; i < 5; i += 1) await store.recordFailure('wiki', 0);
    expect(await store.tryAcquireProbe('wiki', 1_000)).toBe(false);
    expect(await store.tryAcquireProbe('wiki', 5_000)).toBe(true);
    expect(await store.tryAcquireProbe('wiki', 5_001)).toBe(false);
    await store.recordSuccess('wiki');
    expect(await store.get('wiki')).toEqual(CLOSED_BREAKER);
  });

  it('forgets state left untouched for idleResetMs', async () => {
    let now = 0;
    const store = new MemoryBreakerStateStore({ ...policy, idleResetMs: 1_000 }, () => now);
    await store.recordFailure('wiki', 0);
    now = 1_001;
    expect((await store.get('wiki')).failures).toBe(0);
  });
});

describe('shared breaker factory', () => {
  const hooks = (states: string[]) => ({ countsAsFailure: () => true, onStateChange: (s: string) => states.push(s) });

  it('makes a source tripped by one instance suspended on the other without calling it', async () => {
    let now = 0;
    const store = new MemoryBreakerStateStore(policy, () => now);
    const settings = { failureThreshold: 5, initialBackoffMs: 5_000, maxBackoffMs: 60_000 };
    const statesA: string[] = [];
    const statesB: string[] = [];
    const onA = createSharedBreakerFactory(store, () => now)('wiki', settings, hooks(statesA));
    const onB = createSharedBreakerFactory(store, () => now)('wiki', settings, hooks(statesB));
    for (let i = 0; i < 5; i += 1) {
      await expect(onA.execute(() => Promise.reject(new Error('503')))).rejects.toThrow('503');
    }
    expect(statesA).toEqual(['open']);
    let called = false;
    await expect(
      onB.execute(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(BreakerOpenError);
    expect(called).toBe(false);
    expect(onB.state()).toBe('open');

    now = 5_000;
    await expect(onB.execute(async () => 'probe ok')).resolves.toBe('probe ok');
    expect(statesB).toEqual(['open', 'half-open', 'closed']);
    await expect(onA.execute(async () => 'back')).resolves.toBe('back');
    expect(onA.consecutiveFailures()).toBe(0);
  });

  it('does not count failures the caller caused', async () => {
    const store = new MemoryBreakerStateStore(policy);
    const breaker = createSharedBreakerFactory(store)('wiki', breakerPolicyAsSettings(), {
      countsAsFailure: () => false,
      onStateChange: () => undefined,
    });
    for (let i = 0; i < 6; i += 1) await expect(breaker.execute(() => Promise.reject(new Error('client gone')))).rejects.toThrow();
    expect((await store.get('wiki')).failures).toBe(0);
  });

  it('derives its store policy from the federation settings', () => {
    expect(breakerPolicyFrom({ failureThreshold: 3, initialBackoffMs: 100, maxBackoffMs: 800 })).toMatchObject({
      failureThreshold: 3,
      baseSuspendMs: 100,
      maxSuspendMs: 800,
    });
  });
});

function breakerPolicyAsSettings() {
  return { failureThreshold: 5, initialBackoffMs: 5_000, maxBackoffMs: 60_000 };
}
