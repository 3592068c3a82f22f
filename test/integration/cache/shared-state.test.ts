// Breaker state and rate limits shared by two instances (two connections) through the machine's
// Redis, under a key prefix of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerOpenError, createSourceBreaker } from '../../../src/federation/breaker.js';
import { applyFailure, breakerState, CLOSED_BREAKER, DEFAULT_BREAKER_POLICY, type BreakerPolicy } from '../../../src/federation/breaker-state.js';
import { createSharedState, type SharedState } from '../../../src/shared-state/create-shared-state.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import { deleteKeys, SHARED_REDIS_URL, sharedRedisReachable, uniquePrefix } from './redis-probe.js';

const reachable = await sharedRedisReachable();
if (!reachable) console.warn(`skipping shared-state tests: no Redis at ${SHARED_REDIS_URL}`);

const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, baseSuspendMs: 1_000, maxSuspendMs: 8_000, probeLeaseMs: 2_000 };

describe.skipIf(!reachable)('shared state across two instances', () => {
  const prefix = uniquePrefix('shared');
  let a: SharedState;
  let b: SharedState;

  beforeAll(async () => {
    const make = () =>
      createSharedState({
        redisUrl: SHARED_REDIS_URL,
        logger: silentLogger,
        keyPrefix: prefix,
        redis: { commandTimeoutMs: 500 },
        rateLimits: {
          defaultPolicy: { points: 3, durationSec: 2 },
          perKey: { batch: { points: 1, durationSec: 60 }, trusted: { points: 0, durationSec: 60 } },
        },
      });
    a = await make();
    b = await make();
    expect(await a.link!.waitUntilReady(2000)).toBe(true);
    expect(await b.link!.waitUntilReady(2000)).toBe(true);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('counts failures from both instances together and suspends the source for both', async () => {
    const now = 1_000_000;
    for (let i = 0; i < 3; i += 1) await a.breakers.recordFailure('wiki', now, policy);
    await b.breakers.recordFailure('wiki', now, policy);
    expect(breakerState(await a.breakers.get('wiki', now), now)).toBe('closed');
    const tripped = await b.breakers.recordFailure('wiki', now, policy);
    expect(tripped).toEqual({ failures: 5, suspendedUntil: now + 1_000, trips: 1 });
    expect(breakerState(await a.breakers.get('wiki', now), now + 10)).toBe('open');
  });

  it('applies exactly the transition rules of the in-memory store (Lua and TypeScript agree)', async () => {
    let expected = CLOSED_BREAKER;
    const times = [0, 0, 0, 0, 0, 500, 1_000, 1_000, 2_999, 3_000, 7_000, 20_000, 40_000];
    for (const [i, t] of times.entries()) {
      expected = applyFailure(expected, t, policy);
      const actual = await (i % 2 === 0 ? a : b).breakers.recordFailure('lua-check', t, policy);
      expect(actual).toEqual(expected);
    }
  });

  it('grants the half-open probe to one instance only, and a success closes it for both', async () => {
    const now = 2_000_000;
    for (let i = 0; i < 5; i += 1) await a.breakers.recordFailure('pg', now, policy);
    const after = now + 1_000;
    const grants = await Promise.all([a.breakers.tryAcquireProbe('pg', after, policy), b.breakers.tryAcquireProbe('pg', after, policy)]);
    expect(grants.filter(Boolean)).toHaveLength(1);
    await b.breakers.recordSuccess('pg');
    expect(await a.breakers.get('pg', after)).toEqual(CLOSED_BREAKER);
  });

  it("takes a healthy read as healthy for a second: another instance's trip is seen after it, this instance's own failure at once", async () => {
    const now = 3_000_000;
    expect(await a.breakers.get('docs', now)).toEqual(CLOSED_BREAKER);
    for (let i = 0; i < 5; i += 1) await b.breakers.recordFailure('docs', now + 100, policy);
    expect(breakerState(await b.breakers.get('docs', now + 100), now + 100)).toBe('open');
    // within the second a's healthy read stands; then it reads the trip
    expect(await a.breakers.get('docs', now + 999)).toEqual(CLOSED_BREAKER);
    expect(breakerState(await a.breakers.get('docs', now + 1_000), now + 1_000)).toBe('open');

    expect(await a.breakers.get('notes', now)).toEqual(CLOSED_BREAKER);
    await a.breakers.recordFailure('notes', now + 10, policy);
    expect(await a.breakers.get('notes', now + 20)).toEqual({ failures: 1, suspendedUntil: 0, trips: 0 });
  });

  it("suspends a source in the federation's breaker on the other instance without calling it", async () => {
    const hooks = { policy, countsAsFailure: () => true, onStateChange: () => undefined };
    const onA = createSourceBreaker('es', { store: a.breakers, ...hooks });
    const onB = createSourceBreaker('es', { store: b.breakers, ...hooks });
    for (let i = 0; i < 5; i += 1) await expect(onA.execute(() => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout');
    let called = false;
    await expect(
      onB.execute(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(BreakerOpenError);
    expect(called).toBe(false);
  });

  it('shares one rate limit per key across instances and says when to retry', async () => {
    await expect(a.rateLimiter.consume('ci')).resolves.toMatchObject({ allowed: true, remaining: 2 });
    await expect(b.rateLimiter.consume('ci')).resolves.toMatchObject({ allowed: true, remaining: 1 });
    await expect(a.rateLimiter.consume('ci')).resolves.toMatchObject({ allowed: true, remaining: 0 });
    const refused = await b.rateLimiter.consume('ci');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(2);
    }
    await expect(a.rateLimiter.consume('someone-else')).resolves.toMatchObject({ allowed: true });
  });

  it('applies per-key policies on every instance', async () => {
    await expect(a.rateLimiter.consume('batch')).resolves.toMatchObject({ allowed: true });
    await expect(b.rateLimiter.consume('batch')).resolves.toMatchObject({ allowed: false });
    for (let i = 0; i < 10; i += 1) await expect(b.rateLimiter.consume('trusted')).resolves.toEqual({ allowed: true, remaining: null });
  });
});
