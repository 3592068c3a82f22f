import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerOpenError, createCockatielBreaker, type BreakerState, type SourceBreaker } from '../../../src/federation/breaker.js';

// cockatiel reads Date.now: only Date is faked, so promises and real timers behave normally.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

class Ignored extends Error {}

function makeBreaker(): { breaker: SourceBreaker; states: BreakerState[] } {
  const states: BreakerState[] = [];
  const breaker = createCockatielBreaker(
    'wiki',
    { failureThreshold: 5, initialBackoffMs: 5000, maxBackoffMs: 60_000 },
    { countsAsFailure: (error) => !(error instanceof Ignored), onStateChange: (state) => states.push(state) },
  );
  return { breaker, states };
}

const fail = () => Promise.reject(new Error('backend down'));
const succeed = () => Promise.resolve('ok');

async function failTimes(breaker: SourceBreaker, times: number): Promise<void> {
  for (let index = 0; index < times; index += 1) await expect(breaker.execute(fail)).rejects.toThrow('backend down');
}

/** Moves the clock by `ms` and tells whether the breaker then lets a (failing) probe through. */
async function probesAfter(breaker: SourceBreaker, ms: number): Promise<boolean> {
  vi.advanceTimersByTime(ms);
  const called = vi.fn(fail);
  await breaker.execute(called).catch(() => undefined);
  return called.mock.calls.length === 1;
}

describe('circuit breaker (cockatiel)', () => {
  it('opens after 5 failures in a row and then refuses without calling the source', async () => {
    const { breaker, states } = makeBreaker();
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

  it('a success in between resets the count', async () => {
    const { breaker } = makeBreaker();
    await failTimes(breaker, 4);
    await breaker.execute(succeed);
    await failTimes(breaker, 4);
    expect(breaker.state()).toBe('closed');
  });

  it('does not count failures the caller caused', async () => {
    const { breaker } = makeBreaker();
    for (let index = 0; index < 10; index += 1) await expect(breaker.execute(() => Promise.reject(new Ignored()))).rejects.toBeInstanceOf(Ignored);
    expect(breaker.state()).toBe('closed');
  });

  it('probes after 5 s, doubling the suspension after each failed probe up to 60 s', async () => {
    const { breaker } = makeBreaker();
    await failTimes(breaker, 5);
    for (const backoff of [5000, 10_000, 20_000, 40_000, 60_000, 60_000]) {
      expect(await probesAfter(breaker, backoff - 1), `still suspended just before ${backoff} ms`).toBe(false);
      expect(await probesAfter(breaker, 1), `probe at ${backoff} ms`).toBe(true);
      expect(breaker.state()).toBe('open');
    }
  });

  it('recovers on a successful probe, refusing other calls while the probe runs', async () => {
    const { breaker, states } = makeBreaker();
    await failTimes(breaker, 5);
    vi.advanceTimersByTime(5000);
    let finishProbe!: (value: string) => void;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (finishProbe = resolve)));
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

  it('starts again from 5 s after a recovery', async () => {
    const { breaker } = makeBreaker();
    await failTimes(breaker, 5);
    expect(await probesAfter(breaker, 5000)).toBe(true); // failed probe: next wait 10 s
    vi.advanceTimersByTime(10_000);
    await breaker.execute(succeed);
    await failTimes(breaker, 5);
    expect(await probesAfter(breaker, 4999)).toBe(false);
    expect(await probesAfter(breaker, 1)).toBe(true);
  });
});
