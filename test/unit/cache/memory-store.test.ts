import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../../src/cache/entry.js';
import { MemoryCacheStore } from '../../../src/cache/memory-store.js';

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
    const store = new MemoryCacheStore({ maxBytes: 3_000 });
    const value = 'x'.repeat(900);
    for (const key of ['a', 'b', 'c']) await store.set(key, makeEntry(value, Date.now(), 60_000, 0));
    await store.get('a');
    await store.set('d', makeEntry(value, Date.now(), 60_000, 0));
    expect(await store.get('a')).not.toBeNull();
    expect(await store.get('b')).toBeNull();
    expect(await store.get('d')).not.toBeNull();
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
