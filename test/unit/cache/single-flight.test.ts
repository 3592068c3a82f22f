import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../src/cache/single-flight.js';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs the work once for concurrent callers of one key and gives all of them the result', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    let runs = 0;
    const work = async (): Promise<string> => {
      runs += 1;
      return gate.promise;
    };
    const calls = Array.from({ length: 25 }, () => flights.run('k', work, new AbortController().signal));
    gate.resolve('answer');
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(results.map((r) => r.result)).toEqual(Array(25).fill('answer'));
    expect(results.filter((r) => r.leader)).toHaveLength(1);
    expect(flights.size).toBe(0);
  });

  it('keeps the work going for the others when one caller gives up', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    let workSignal: AbortSignal | null = null;
    const work = async (signal: AbortSignal): Promise<string> => {
      workSignal = signal;
      return gate.promise;
    };
    const quitter = new AbortController();
    const first = flights.run('k', work, quitter.signal);
    const second = flights.run('k', work, new AbortController().signal);
    quitter.abort(new Error('client gone'));
    await expect(first).rejects.toThrow('client gone');
    gate.resolve('late answer');
    await expect(second).resolves.toMatchObject({ result: 'late answer' });
    expect(workSignal!.aborted).toBe(false);
  });

  it('aborts the work when every caller has given up, and the next caller starts afresh', async () => {
    const flights = new SingleFlight();
    let runs = 0;
    const signals: AbortSignal[] = [];
    const work = (signal: AbortSignal): Promise<string> => {
      runs += 1;
      signals.push(signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const a = new AbortController();
    const b = new AbortController();
    const calls = [flights.run('k', work, a.signal), flights.run('k', work, b.signal)];
    a.abort(new Error('a gone'));
    b.abort(new Error('b gone'));
    await Promise.allSettled(calls);
    expect(signals[0]?.aborted).toBe(true);
    const fresh = flights.run('k', async () => 'new', new AbortController().signal);
    await expect(fresh).resolves.toMatchObject({ result: 'new', leader: true });
    expect(runs).toBe(1);
  });

  it('hands the same failure to every caller and forgets the key', async () => {
    const flights = new SingleFlight();
    const work = async (): Promise<string> => {
      throw new Error('backend exploded');
    };
    const calls = [flights.run('k', work, new AbortController().signal), flights.run('k', work, new AbortController().signal)];
    for (const call of calls) await expect(call).rejects.toThrow('backend exploded');
    expect(flights.has('k')).toBe(false);
  });
});
