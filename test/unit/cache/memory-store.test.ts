import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../../src/cache/entry.js';
import { HELD_BYTES_PER_JSON_BYTE, MemoryCacheStore } from '../../../src/cache/memory-store.js';

describe('MemoryCacheStore', () => {
  it('drops an entry at the end of its stale window', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, clock: () => now });
    await store.set('k', makeEntry('v', 0, 100, 50));
    now = 149;
    expect(await store.get('k')).not.toBeNull();
    now = 150;
    expect(await store.get('k')).toBeNull();
  });

  it('as a first tier keeps a copy no longer than maxRetainMs', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, maxRetainMs: 1000, clock: () => now });
    await store.set('k', makeEntry('v', 0, 60_000, 60_000));
    now = 999;
    expect(await store.get('k')).not.toBeNull();
    now = 1000;
    expect(await store.get('k')).toBeNull();
  });

  it('evicts the least recently used entries to stay within its byte budget', async () => {
    // each entry weighs 1 + 4 × 902 bytes: three fit
    const store = new MemoryCacheStore({ maxBytes: 11_000 });
    const value = 'x'.repeat(900);
    for (const key of ['a', 'b', 'c']) await store.set(key, makeEntry(value, Date.now(), 60_000, 0));
    await store.get('a');
    await store.set('d', makeEntry(value, Date.now(), 60_000, 0));
    expect(await store.get('a')).not.toBeNull();
    expect(await store.get('b')).toBeNull();
    expect(await store.get('d')).not.toBeNull();
  });

  it('counts an entry as the memory it holds (its value and the answer encoded from it), not its JSON alone', async () => {
    const store = new MemoryCacheStore({ maxBytes: 10_000 });
    const value = { text: 'y'.repeat(990) }; // 1,001 bytes of JSON
    expect(HELD_BYTES_PER_JSON_BYTE).toBe(4);
    for (let i = 0; i < 5; i += 1) await store.set(`k${i}`, makeEntry(value, Date.now(), 60_000, 0));
    const held = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await store.get(`k${i}`)) !== null));
    // 2 + 4 × 1,001 bytes each: two fit in 10,000 (by JSON length alone, all five would)
    expect(held).toEqual([false, false, false, true, true]);
  });

  it('grants a lock to one holder until it is released by that holder or expires', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, clock: () => now });
    const token = await store.acquireLock('k:lock', 100);
    expect(token).not.toBeNull();
    expect(await store.acquireLock('k:lock', 100)).toBeNull();
    await store.releaseLock('k:lock', 'someone-else');
    expect(await store.acquireLock('k:lock', 100)).toBeNull();
    now = 100;
    expect(await store.acquireLock('k:lock', 100)).not.toBeNull();
  });
});
