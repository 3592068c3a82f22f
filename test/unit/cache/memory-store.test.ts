import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../../src/cache/entry.js';
import { MemoryCacheStore } from '../../../src/cache/memory-store.js';

const signal = new AbortController().signal;

describe('MemoryCacheStore', () => {
  it('drops an entry at the end of its stale window', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, clock: () => now });
    await store.set('k', makeEntry('v', 0, 100, 50), signal);
    now = 149;
    expect(await store.get('k', signal)).not.toBeNull();
    now = 150;
    expect(await store.get('k', signal)).toBeNull();
  });

  it('as a first tier keeps a copy no longer than maxRetainMs', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, maxRetainMs: 1000, clock: () => now });
    await store.set('k', makeEntry('v', 0, 60_000, 60_000), signal);
    now = 999;
    expect(await store.get('k', signal)).not.toBeNull();
    now = 1000;
    expect(await store.get('k', signal)).toBeNull();
  });

  it('evicts the least recently used entries to stay within its byte budget', async () => {
    const store = new MemoryCacheStore({ maxBytes: 3_000 });
    const value = 'x'.repeat(900);
    for (const key of ['a', 'b', 'c']) await store.set(key, makeEntry(value, Date.now(), 60_000, 0), signal);
    await store.get('a', signal);
    await store.set('d', makeEntry(value, Date.now(), 60_000, 0), signal);
    expect(await store.get('a', signal)).not.toBeNull();
    expect(await store.get('b', signal)).toBeNull();
    expect(await store.get('d', signal)).not.toBeNull();
  });

  it('grants a lock to one holder until it is released by that holder or expires', async () => {
    let now = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6, clock: () => now });
    const token = await store.acquireLock('k:lock', 100, signal);
    expect(token).not.toBeNull();
    expect(await store.acquireLock('k:lock', 100, signal)).toBeNull();
    await store.releaseLock('k:lock', 'someone-else', signal);
    expect(await store.acquireLock('k:lock', 100, signal)).toBeNull();
    now = 100;
    expect(await store.acquireLock('k:lock', 100, signal)).not.toBeNull();
  });
});
