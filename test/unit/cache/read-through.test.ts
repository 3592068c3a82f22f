import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../../src/cache/entry.js';
import { MemoryGenerationStore } from '../../../src/cache/generation-store.js';
import { MemoryCacheStore } from '../../../src/cache/memory-store.js';
import type { CacheEvent } from '../../../src/cache/observer.js';
import { foldGenerations, ReadThroughCache, type CacheHealth, type ReadThroughOptions } from '../../../src/cache/read-through.js';
import type { CacheStore } from '../../../src/cache/store.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import { delegatingStore } from './delegating-store.js';

interface Harness {
  cache: ReadThroughCache;
  events: string[];
  clock: { now: number };
  generations: MemoryGenerationStore;
}

function harness(
  options: { store?: CacheStore; health?: CacheHealth; clock?: { now: number }; generations?: MemoryGenerationStore; lockWaitMs?: number } = {},
): Harness {
  const clock = options.clock ?? { now: 1_000_000 };
  const events: string[] = [];
  const generations = options.generations ?? new MemoryGenerationStore();
  const cache = new ReadThroughCache({
    store: options.store ?? new MemoryCacheStore({ maxBytes: 1e7, clock: () => clock.now }),
    generations,
    health: options.health ?? null,
    settings: { staleMs: 30_000, keyPrefix: 't:', lockTtlMs: 2_000, lockWaitMs: options.lockWaitMs ?? 500, lockPollMs: 2, refreshTimeoutMs: 5_000 },
    logger: silentLogger,
    observer: { event: (label: string, event: CacheEvent) => events.push(`${label}:${event}`), degraded: () => undefined },
    clock: () => clock.now,
  });
  return { cache, events, clock, generations };
}

function opts<T>(overrides: Partial<ReadThroughOptions<T>> = {}): ReadThroughOptions<T> {
  return { ttlMs: 60_000, shouldStore: () => true, sources: ['handbook'], signal: new AbortController().signal, ...overrides };
}

function counter<T>(make: (n: number) => T, delayMs = 0): { compute: (signal: AbortSignal) => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    compute: async () => {
      calls += 1;
      const n = calls;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return make(n);
    },
    calls: () => calls,
  };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('ReadThroughCache', () => {
  it('computes on a miss, then answers from the cache with cached: true', async () => {
    const { cache, events } = harness();
    const work = counter((n) => ({ answer: n }));
    const first = await cache.getOrCompute('search:a', work.compute, opts());
    const second = await cache.getOrCompute('search:a', work.compute, opts());
    expect(first).toEqual({ value: { answer: 1 }, cached: false, outcome: 'miss' });
    expect(second).toMatchObject({ value: { answer: 1 }, cached: true, outcome: 'hit' });
    expect(work.calls()).toBe(1);
    expect(events).toEqual(['search:miss', 'search:hit']);
  });

  describe('leases on fresh hits', () => {
    async function leased(h: Harness, key = 'search:lease') {
      const work = counter((n) => ({ answer: n }));
      const miss = await h.cache.getOrCompute(key, work.compute, opts());
      const hit = await h.cache.getOrCompute(key, work.compute, opts());
      return { miss, hit, work };
    }

    it('gives none on a miss, one on a fresh hit that holds while nothing changes and counts its reuses as hits', async () => {
      const h = harness();
      const { miss, hit } = await leased(h);
      expect(miss.lease).toBeUndefined();
      expect(hit.lease?.isValid()).toBe(true);
      h.clock.now += 59_000;
      expect(hit.lease?.isValid()).toBe(true);
      h.events.length = 0;
      hit.lease?.recordHit();
      expect(h.events).toEqual(['search:hit']);
    });

    it('ends when the entry stops being fresh, and a stale hit gives none', async () => {
      const h = harness();
      const { hit, work } = await leased(h);
      h.clock.now += 60_000;
      expect(hit.lease?.isValid()).toBe(false);
      const stale = await h.cache.getOrCompute('search:lease', work.compute, opts());
      expect(stale.outcome).toBe('stale');
      expect(stale.lease).toBeUndefined();
    });

    it('ends at once when a source it was keyed on gets a new generation', async () => {
      const h = harness();
      const { hit } = await leased(h);
      await h.generations.bump('handbook');
      expect(hit.lease?.isValid()).toBe(false);
    });

    it('ends when the entry is replaced or dropped from the store', async () => {
      const store = new MemoryCacheStore({ maxBytes: 1e7, clock: () => clock.now });
      const clock = { now: 1_000_000 };
      const h = harness({ store, clock });
      const { hit } = await leased(h);
      const storeKey = `t:c:search:lease:${foldGenerations(new Map([['handbook', 0]]))}`;
      const held = store.heldLocally(storeKey);
      expect(held).not.toBeNull();
      await store.set(storeKey, { ...(held as CacheEntry) });
      expect(hit.lease?.isValid()).toBe(false);
      const again = await leased(h, 'search:other');
      await store.delete(`t:c:search:other:${foldGenerations(new Map([['handbook', 0]]))}`);
      expect(again.hit.lease?.isValid()).toBe(false);
    });

    it('ends while the cache is degraded', async () => {
      let degraded = false;
      const h = harness({ health: { isDegraded: () => degraded, status: () => ({ state: 'ok', since: 0, lastError: null }) } });
      const { hit } = await leased(h);
      degraded = true;
      expect(hit.lease?.isValid()).toBe(false);
    });

    it('is not given when the store cannot tell without I/O that it still holds the entry', async () => {
      const clock = { now: 1_000_000 };
      const inner = new MemoryCacheStore({ maxBytes: 1e7, clock: () => clock.now });
      const remoteOnly = delegatingStore(inner);
      const h = harness({ store: remoteOnly, clock });
      const { hit } = await leased(h);
      expect(hit.cached).toBe(true);
      expect(hit.lease).toBeUndefined();
    });
  });

  it('collapses a burst of identical misses into one computation', async () => {
    const { cache } = harness();
    const work = counter((n) => n, 20);
    const results = await Promise.all(Array.from({ length: 30 }, () => cache.getOrCompute('search:burst', work.compute, opts())));
    expect(work.calls()).toBe(1);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set([1]));
    expect(results.filter((r) => r.outcome === 'miss')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'shared')).toHaveLength(29);
  });

  it('never stores what shouldStore rejects (partial answers)', async () => {
    const { cache } = harness();
    const work = counter((n) => ({ partial: true, n }));
    const partial = opts<{ partial: boolean; n: number }>({ shouldStore: (v) => !v.partial });
    await cache.getOrCompute('search:p', work.compute, partial);
    const again = await cache.getOrCompute('search:p', work.compute, partial);
    expect(again).toMatchObject({ value: { n: 2 }, cached: false });
    expect(work.calls()).toBe(2);
  });

  it('serves an expired-but-recent entry at once and refreshes it in the background only once', async () => {
    const { cache, clock, events } = harness();
    const work = counter((n) => `v${n}`, 30);
    await cache.getOrCompute('search:s', work.compute, opts());
    clock.now += 61_000; // past the 60 s TTL, inside the 30 s stale window
    const stale = await Promise.all(Array.from({ length: 10 }, () => cache.getOrCompute('search:s', work.compute, opts())));
    expect(stale.every((r) => r.value === 'v1' && r.cached && r.outcome === 'stale')).toBe(true);
    await until(() => cache.refreshesInFlight === 0 && work.calls() === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(work.calls()).toBe(2);
    expect(events.filter((e) => e === 'search:refreshed')).toHaveLength(1);
    await expect(cache.getOrCompute('search:s', work.compute, opts())).resolves.toMatchObject({ value: 'v2', outcome: 'hit' });
  });

  it('computes afresh once the stale window is over too', async () => {
    const { cache, clock } = harness();
    const work = counter((n) => n);
    await cache.getOrCompute('search:old', work.compute, opts());
    clock.now += 60_000 + 30_000;
    await expect(cache.getOrCompute('search:old', work.compute, opts())).resolves.toMatchObject({ value: 2, cached: false, outcome: 'miss' });
  });

  it('stops using an entry once one of its sources has a new ingest generation', async () => {
    const { cache, generations } = harness();
    const work = counter((n) => n);
    const twoSources = opts({ sources: ['handbook', 'wiki'] });
    await cache.getOrCompute('search:g', work.compute, twoSources);
    await generations.bump('other-source');
    await expect(cache.getOrCompute('search:g', work.compute, twoSources)).resolves.toMatchObject({ value: 1, cached: true });
    await generations.bump('wiki');
    await expect(cache.getOrCompute('search:g', work.compute, twoSources)).resolves.toMatchObject({ value: 2, cached: false });
  });

  it('folds generations independently of source order', () => {
    const a = foldGenerations(
      new Map([
        ['wiki', 2],
        ['handbook', 1],
      ]),
    );
    const b = foldGenerations(
      new Map([
        ['handbook', 1],
        ['wiki', 2],
      ]),
    );
    expect(a).toBe(b);
    expect(
      foldGenerations(
        new Map([
          ['handbook', 1],
          ['wiki', 3],
        ]),
      ),
    ).not.toBe(a);
  });

  it('treats a value its parser rejects as a miss', async () => {
    const { cache } = harness();
    const work = counter((n) => ({ n }));
    const parse = (raw: unknown): { n: number } | null =>
      typeof raw === 'object' && raw !== null && 'n' in raw && (raw as { n: unknown }).n === 2 ? (raw as { n: number }) : null;
    await cache.getOrCompute('search:v', work.compute, opts({ parse }));
    await expect(cache.getOrCompute('search:v', work.compute, opts({ parse }))).resolves.toMatchObject({ value: { n: 2 }, cached: false });
  });

  it('does not cache at all when the TTL is 0', async () => {
    const { cache } = harness();
    const work = counter((n) => n);
    await cache.getOrCompute('doc:x', work.compute, opts({ ttlMs: 0 }));
    await expect(cache.getOrCompute('doc:x', work.compute, opts({ ttlMs: 0 }))).resolves.toMatchObject({ value: 2, outcome: 'bypass' });
  });

  it('fails open: a store that throws costs nothing but the cache', async () => {
    const broken: CacheStore = {
      shared: true,
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        throw new Error('ECONNREFUSED');
      },
      delete: async () => undefined,
      acquireLock: async () => {
        throw new Error('ECONNREFUSED');
      },
      releaseLock: async () => undefined,
      close: async () => undefined,
    };
    const { cache, events } = harness({ store: broken });
    const work = counter((n) => n);
    await expect(cache.getOrCompute('search:f', work.compute, opts())).resolves.toEqual({ value: 1, cached: false, outcome: 'bypass' });
    expect(events).toEqual(['search:store_error', 'search:bypass']);
  });

  it('while degraded, does not touch the store and says so in its status', async () => {
    let touched = 0;
    const store = new MemoryCacheStore({ maxBytes: 1e6 });
    const spy: CacheStore = {
      shared: true,
      get: async (k, _s) => {
        touched += 1;
        return store.get(k);
      },
      set: async (k, e: CacheEntry) => {
        touched += 1;
        return store.set(k, e);
      },
      delete: async () => undefined,
      acquireLock: async (k, t) => store.acquireLock(k, t),
      releaseLock: async () => undefined,
      close: async () => undefined,
    };
    const health: CacheHealth = { isDegraded: () => true, status: () => ({ state: 'degraded', since: 5, lastError: 'connection closed' }) };
    const { cache } = harness({ store: spy, health });
    const work = counter((n) => n);
    await expect(cache.getOrCompute('search:d', work.compute, opts())).resolves.toMatchObject({ outcome: 'bypass', cached: false });
    expect(touched).toBe(0);
    expect(cache.isDegraded()).toBe(true);
    expect(cache.status()).toEqual({ backend: 'redis', state: 'degraded', since: 5, lastError: 'connection closed' });
  });

  it('rejects with the caller abort reason and aborts a computation nobody waits for', async () => {
    const { cache } = harness();
    let seen: AbortSignal | null = null;
    const controller = new AbortController();
    const call = cache.getOrCompute(
      'search:abort',
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      opts({ signal: controller.signal }),
    );
    await until(() => seen !== null);
    controller.abort(new Error('client went away'));
    await expect(call).rejects.toThrow('client went away');
    expect(seen!.aborted).toBe(true);
  });

  describe('across instances sharing one store', () => {
    it('lets one instance compute while the other waits for its stored answer', async () => {
      const clock = { now: 1_000_000 };
      const shared = new MemoryCacheStore({ maxBytes: 1e7, shared: true, clock: () => clock.now });
      const generations = new MemoryGenerationStore();
      const a = harness({ store: shared, clock, generations });
      const b = harness({ store: shared, clock, generations });
      const work = counter((n) => ({ n }), 40);
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => a.cache.getOrCompute('search:x', work.compute, opts())),
        ...Array.from({ length: 5 }, () => b.cache.getOrCompute('search:x', work.compute, opts())),
      ]);
      expect(work.calls()).toBe(1);
      expect(results.every((r) => (r.value as { n: number }).n === 1)).toBe(true);
      // The waiting instance got the answer from the store, so it reports it as cached.
      expect(results.filter((r) => r.cached)).toHaveLength(5);
    });

    it('hands a partial answer to instances already waiting, without caching it', async () => {
      const clock = { now: 1_000_000 };
      const shared = new MemoryCacheStore({ maxBytes: 1e7, shared: true, clock: () => clock.now });
      const generations = new MemoryGenerationStore();
      const a = harness({ store: shared, clock, generations });
      const b = harness({ store: shared, clock, generations });
      const work = counter((n) => ({ n, partial: true }), 40);
      const partial = opts<{ n: number; partial: boolean }>({ shouldStore: (v) => !v.partial });
      const [fromA, fromB] = await Promise.all([
        a.cache.getOrCompute('search:h', work.compute, partial),
        b.cache.getOrCompute('search:h', work.compute, partial),
      ]);
      expect(work.calls()).toBe(1);
      expect(fromA.value).toEqual(fromB.value);
      expect(fromB.cached || fromA.cached).toBe(false);
      clock.now += 1; // a later request: the hand-off is not for it
      await expect(b.cache.getOrCompute('search:h', work.compute, partial)).resolves.toMatchObject({ value: { n: 2 } });
    });

    it('does not compute again when the other instance stored the answer between our read and our lock', async () => {
      const clock = { now: 1_000_000 };
      const shared = new MemoryCacheStore({ maxBytes: 1e7, shared: true, clock: () => clock.now });
      const generations = new MemoryGenerationStore();
      const a = harness({ store: shared, clock, generations });
      const work = counter((n) => ({ n }));
      await a.cache.getOrCompute('search:race', work.compute, opts());
      // b's first read of the entry happens "just before" a's write lands: it sees nothing.
      let firstRead = true;
      const racing = delegatingStore(shared, {
        get: async (key) => {
          if (firstRead && !key.endsWith(':handoff')) {
            firstRead = false;
            return null;
          }
          return shared.get(key);
        },
      });
      const b = harness({ store: racing, clock, generations });
      await expect(b.cache.getOrCompute('search:race', work.compute, opts())).resolves.toMatchObject({ value: { n: 1 }, cached: true });
      expect(work.calls()).toBe(1);
    });

    it('stops waiting after lockWaitMs when the other instance never finishes', async () => {
      const clock = { now: 1_000_000 };
      const shared = new MemoryCacheStore({ maxBytes: 1e7, shared: true, clock: () => clock.now });
      const generations = new MemoryGenerationStore();
      const a = harness({ store: shared, clock, generations });
      const b = harness({ store: shared, clock: { now: clock.now }, generations, lockWaitMs: 60 });
      const stuck = new AbortController();
      void a.cache.getOrCompute('search:w', () => new Promise<never>(() => undefined), opts({ signal: stuck.signal })).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 5));
      // b's clock does not move by itself: advance it while b polls.
      const ticker = setInterval(() => {
        b.clock.now += 10;
      }, 5);
      const started = Date.now();
      const result = await b.cache.getOrCompute('search:w', async () => 'computed here', opts());
      clearInterval(ticker);
      stuck.abort();
      expect(result).toMatchObject({ value: 'computed here', cached: false, outcome: 'miss' });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('refreshes a stale entry on one instance only', async () => {
      const clock = { now: 1_000_000 };
      const shared = new MemoryCacheStore({ maxBytes: 1e7, shared: true, clock: () => clock.now });
      const generations = new MemoryGenerationStore();
      const a = harness({ store: shared, clock, generations });
      const b = harness({ store: shared, clock, generations });
      const work = counter((n) => n, 30);
      await a.cache.getOrCompute('search:r', work.compute, opts());
      clock.now += 61_000;
      await Promise.all([a.cache.getOrCompute('search:r', work.compute, opts()), b.cache.getOrCompute('search:r', work.compute, opts())]);
      await until(() => a.cache.refreshesInFlight === 0 && b.cache.refreshesInFlight === 0);
      expect(work.calls()).toBe(2);
      expect([...a.events, ...b.events].filter((e) => e === 'search:refresh_skipped')).toHaveLength(1);
    });
  });
});
