import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../../src/cache/entry.js';
import { MemoryCacheStore } from '../../../src/cache/memory-store.js';
import { TieredCacheStore } from '../../../src/cache/tiered-store.js';
import { delegatingStore } from './delegating-store.js';

const signal = new AbortController().signal;

function tiers(clock: { now: number }) {
  const near = new MemoryCacheStore({ maxBytes: 1e6, maxRetainMs: 1_000, clock: () => clock.now });
  const far = new MemoryCacheStore({ maxBytes: 1e6, shared: true, clock: () => clock.now });
  return { near, far, tiered: new TieredCacheStore(near, far, () => clock.now) };
}

describe('TieredCacheStore', () => {
  it('answers a fresh entry from the near tier without asking the far one', async () => {
    const clock = { now: 0 };
    const { far, tiered } = tiers(clock);
    await tiered.set('k', makeEntry('v1', 0, 60_000, 0), signal);
    await far.delete('k');
    await expect(tiered.get('k', signal)).resolves.toMatchObject({ value: 'v1' });
  });

  it('checks a stale near copy against the far tier, where another instance may have refreshed it', async () => {
    const clock = { now: 0 };
    const { far, tiered } = tiers(clock);
    await tiered.set('k', makeEntry('old', 0, 100, 60_000), signal);
    clock.now = 200;
    await far.set('k', makeEntry('refreshed elsewhere', 150, 60_000, 0));
    await expect(tiered.get('k', signal)).resolves.toMatchObject({ value: 'refreshed elsewhere' });
  });

  it('fills the near tier from the far one and forgets it after maxRetainMs', async () => {
    const clock = { now: 0 };
    const { near, far, tiered } = tiers(clock);
    await far.set('k', makeEntry('from redis', 0, 60_000, 0));
    await tiered.get('k', signal);
    await far.delete('k');
    await expect(near.get('k')).resolves.toMatchObject({ value: 'from redis' });
    clock.now = 1_000;
    await expect(tiered.get('k', signal)).resolves.toBeNull();
  });

  it('lets concurrent readers of a key whose near copy lapsed share one far read', async () => {
    const clock = { now: 0 };
    const { near, far } = tiers(clock);
    await far.set('k', makeEntry('from redis', 0, 60_000, 0));
    let reads = 0;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A far store whose reads wait at a gate, as a Redis round trip does, and are counted.
    const slowFar = delegatingStore(far, {
      async get(key) {
        reads += 1;
        await gate;
        return far.get(key);
      },
    });
    const tiered = new TieredCacheStore(near, slowFar, () => clock.now);
    const impatient = new AbortController();
    const gets = Array.from({ length: 10 }, () => tiered.get('k', signal));
    const abandoned = tiered.get('k', impatient.signal);
    impatient.abort();
    await expect(abandoned).rejects.toThrow();
    release();
    for (const entry of await Promise.all(gets)) expect(entry).toMatchObject({ value: 'from redis' });
    expect(reads).toBe(1);
    // the shared read filled the near tier: the next reader does not go far at all
    await tiered.get('k', signal);
    expect(reads).toBe(1);
    // once the near copy lapses again, the next reader reads far again
    clock.now = 1_000;
    await tiered.get('k', signal);
    expect(reads).toBe(2);
  });
});
