// One circuit breaker, two stores: the same scenarios (DESIGN §5 step 3: 5 failures in a row →
// suspended 5 s, doubling to 60 s, half-open probe, success closes) run against the in-memory
// store a single instance uses and the Redis store instances share (the machine's Redis).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BreakerOpenError, createSourceBreaker, type SourceBreaker } from '../../../src/federation/breaker.js';
import type { BreakerState, BreakerStateStore } from '../../../src/federation/breaker-state.js';
import { MemoryBreakerStateStore } from '../../../src/federation/memory-breaker-store.js';
import { createSharedState, type SharedState } from '../../../src/shared-state/create-shared-state.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import { deleteKeys, SHARED_REDIS_URL, sharedRedisReachable, uniquePrefix } from '../cache/redis-probe.js';

const redisReachable = await sharedRedisReachable();
if (!redisReachable) console.warn(`breaker scenarios on the Redis store skipped: no Redis at ${SHARED_REDIS_URL}`);

const prefix = uniquePrefix('breaker-stores');
const opened: SharedState[] = [];

async function redisStore(): Promise<BreakerStateStore> {
  const shared = await createSharedState({
    redisUrl: SHARED_REDIS_URL,
    logger: silentLogger,
    keyPrefix: prefix,
    rateLimits: { defaultPolicy: { points: 0, durationSec: 60 } },
  });
  opened.push(shared);
  expect(await shared.link?.waitUntilReady(2000)).toBe(true);
  return shared.breakers;
}

afterAll(async () => {
  await Promise.all(opened.map((shared) => shared.close()));
  if (opened.length > 0) await deleteKeys(SHARED_REDIS_URL, prefix);
});

const STORES: Array<{ name: string; skip: boolean; make: () => Promise<BreakerStateStore> }> = [
  { name: 'memory', skip: false, make: async () => new MemoryBreakerStateStore() },
  { name: 'redis', skip: !redisReachable, make: redisStore },
];

class CallerGone extends Error {}

const fail = () => Promise.reject(new Error('backend down'));
const succeed = () => Promise.resolve('ok');
let sourceCount = 0;

describe.each(STORES)('circuit breaker on the $name store', ({ skip, make }) => {
  /** A breaker on a fresh source name, with a clock the test moves. */
  async function setup(): Promise<{ breaker: SourceBreaker; states: BreakerState[]; advance: (ms: number) => void; store: BreakerStateStore }> {
    const store = await make();
    let now = Date.UTC(2025, 0, 1);
    const states: BreakerState[] = [];
    sourceCount += 1;
    const breaker = createSourceBreaker(`wiki${sourceCount}`, {
      store,
      clock: () => now,
      countsAsFailure: (error) => !(error instanceof CallerGone),
      onStateChange: (state) => states.push(state),
    });
    return { breaker, states, store, advance: (ms) => (now += ms) };
  }

  async function failTimes(breaker: SourceBreaker, times: number): Promise<void> {
    for (let index = 0; index < times; index += 1) await expect(breaker.execute(fail)).rejects.toThrow('backend down');
  }

  /** Whether the breaker lets a (failing) probe through now. */
  async function probes(breaker: SourceBreaker): Promise<boolean> {
    const called = vi.fn(fail);
    await breaker.execute(called).catch(() => undefined);
    return called.mock.calls.length === 1;
  }

  it.skipIf(skip)('opens after 5 failures in a row and then refuses without calling the source', async () => {
    const { breaker, states } = await setup();
    await failTimes(breaker, 4);
    expect(breaker.state()).toBe('closed');
    expect(breaker.consecutiveFailures()).toBe(4);
    await failTimes(breaker, 1);
    expect(breaker.state()).toBe('open');
    expect(states).toEqual(['open']);
    const work = vi.fn(succeed);
    await expect(breaker.execute(work)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(work).not.toHaveBeenCalled();
  });

  it.skipIf(skip)('a success in between resets the count', async () => {
    const { breaker } = await setup();
    await failTimes(breaker, 4);
    await breaker.execute(succeed);
    await failTimes(breaker, 4);
    expect(breaker.state()).toBe('closed');
  });

  it.skipIf(skip)('does not count failures the caller caused', async () => {
    const { breaker } = await setup();
    for (let index = 0; index < 10; index += 1) await expect(breaker.execute(() => Promise.reject(new CallerGone()))).rejects.toBeInstanceOf(CallerGone);
    expect(breaker.state()).toBe('closed');
  });

  it.skipIf(skip)('probes after 5 s, doubling the suspension after each failed probe up to 60 s', async () => {
    const { breaker, advance } = await setup();
    await failTimes(breaker, 5);
    for (const suspension of [5000, 10_000, 20_000, 40_000, 60_000, 60_000]) {
      advance(suspension - 1);
      expect(await probes(breaker), `still suspended just before ${suspension} ms`).toBe(false);
      advance(1);
      expect(await probes(breaker), `probe at ${suspension} ms`).toBe(true);
      expect(breaker.state()).toBe('open');
    }
  });

  it.skipIf(skip)('recovers on a successful probe, refusing other calls while the probe runs', async () => {
    const { breaker, states, advance } = await setup();
    await failTimes(breaker, 5);
    advance(5000);
    let finishProbe!: (value: string) => void;
    let probeStarted!: () => void;
    const started = new Promise<void>((resolve) => (probeStarted = resolve));
    const probe = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          finishProbe = resolve;
          probeStarted();
        }),
    );
    await started;
    expect(breaker.state()).toBe('half-open');
    const other = vi.fn(succeed);
    await expect(breaker.execute(other)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(other).not.toHaveBeenCalled();
    finishProbe('fine');
    await expect(probe).resolves.toBe('fine');
    expect(breaker.state()).toBe('closed');
    expect(breaker.consecutiveFailures()).toBe(0);
    expect(states).toEqual(['open', 'half-open', 'closed']);
    await expect(breaker.execute(succeed)).resolves.toBe('ok');
  });

  it.skipIf(skip)('starts again from 5 s after a recovery', async () => {
    const { breaker, advance } = await setup();
    await failTimes(breaker, 5);
    advance(5000);
    expect(await probes(breaker)).toBe(true); // failed probe: next suspension 10 s
    advance(10_000);
    await breaker.execute(succeed);
    await failTimes(breaker, 5);
    advance(4999);
    expect(await probes(breaker)).toBe(false);
    advance(1);
    expect(await probes(breaker)).toBe(true);
  });

  it.skipIf(skip)('suspends a source for a second instance sharing the store, which then probes it', async () => {
    const { breaker, store, advance } = await setup();
    const other = createSourceBreaker(`wiki${sourceCount}`, {
      store,
      clock: () => Date.UTC(2025, 0, 1),
      countsAsFailure: () => true,
      onStateChange: () => undefined,
    });
    await failTimes(breaker, 5);
    const work = vi.fn(succeed);
    await expect(other.execute(work)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(work).not.toHaveBeenCalled();
    advance(5000);
    await expect(breaker.execute(succeed)).resolves.toBe('ok');
    await expect(other.execute(work)).resolves.toBe('ok');
  });
});
