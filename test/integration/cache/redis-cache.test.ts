// Two instances (two connections) against the machine's Redis, under a key prefix of their own.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpSourceGenerations } from '../../../src/cache/bump-generation.js';
import { createCacheLayer, type CacheLayer } from '../../../src/cache/create-cache.js';
import type { ReadThroughOptions } from '../../../src/cache/read-through.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import { RedisLink } from '../../../src/shared-state/redis-link.js';
import { deleteKeys, scanKeys, SHARED_REDIS_URL, sharedRedisReachable, uniquePrefix } from './redis-probe.js';

const reachable = await sharedRedisReachable();
if (!reachable) console.warn(`skipping Redis cache tests: no Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!reachable)('Redis cache across two instances', () => {
  const prefix = uniquePrefix('cache');
  const links: RedisLink[] = [];
  const events: string[] = [];
  let a: CacheLayer;
  let b: CacheLayer;

  function instance(generationRefreshMs = 50): CacheLayer {
    const link = new RedisLink({ url: SHARED_REDIS_URL, logger: silentLogger, commandTimeoutMs: 500 });
    links.push(link);
    const name = links.length === 1 ? 'a' : 'b';
    return createCacheLayer({
      link,
      logger: silentLogger,
      settings: { keyPrefix: prefix, generationRefreshMs, lockPollMs: 5 },
      observer: { event: (label, event) => events.push(`${name}:${label}:${event}`), degraded: (d) => events.push(`${name}:degraded:${d}`) },
    });
  }

  function opts<T>(overrides: Partial<ReadThroughOptions<T>> = {}): ReadThroughOptions<T> {
    return { ttlMs: 60_000, shouldStore: () => true, sources: ['handbook'], signal: new AbortController().signal, ...overrides };
  }

  function slowCounter<T>(make: (n: number) => T, delayMs: number) {
    let calls = 0;
    return {
      compute: async (): Promise<T> => {
        calls += 1;
        const n = calls;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return make(n);
      },
      calls: () => calls,
    };
  }

  beforeAll(async () => {
    a = instance();
    b = instance();
    for (const link of links) expect(await link.waitUntilReady(2000)).toBe(true);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const link of links) await link.close();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('computes a burst of identical misses on two instances exactly once', async () => {
    const work = slowCounter((n) => ({ answer: n }), 150);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => a.cache.getOrCompute('search:burst', work.compute, opts())),
      ...Array.from({ length: 8 }, () => b.cache.getOrCompute('search:burst', work.compute, opts())),
    ]);
    expect(work.calls(), events.join(' ')).toBe(1);
    expect(results.every((r) => (r.value as { answer: number }).answer === 1)).toBe(true);
    await expect(b.cache.getOrCompute('search:burst', work.compute, opts())).resolves.toMatchObject({ cached: true, outcome: 'hit' });
  });

  it('stores large answers compressed, with a format marker, readable by the other instance', async () => {
    const big = { results: Array.from({ length: 50 }, (_, i) => ({ id: `handbook:${i}`, snippet: 'rotate the **vpn** certificate '.repeat(5) })) };
    await a.cache.getOrCompute('search:big', async () => big, opts());
    const raw = new Redis(SHARED_REDIS_URL);
    try {
      const keys = await scanKeys(raw, `${prefix}c:search:big:*`);
      expect(keys).toHaveLength(1);
      const bytes = await raw.getBuffer(keys[0]!);
      expect(String.fromCharCode(bytes![0]!)).toBe('D');
      expect(bytes!.length).toBeLessThan(JSON.stringify(big).length / 4);
      const ttl = await raw.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(60_000); // TTL plus the stale window
    } finally {
      raw.disconnect();
    }
    await expect(b.cache.getOrCompute('search:big', async () => ({ results: [] }), opts())).resolves.toMatchObject({
      value: big,
      cached: true,
      outcome: 'hit',
    });
  });

  it('lets an ingest on one instance invalidate the answer on the other', async () => {
    let version = 1;
    const compute = async () => ({ version });
    await a.cache.getOrCompute('search:gen', compute, opts());
    await expect(b.cache.getOrCompute('search:gen', compute, opts())).resolves.toMatchObject({ value: { version: 1 }, cached: true });
    version = 2;
    expect(await a.generations.bump('handbook', new AbortController().signal)).toBeGreaterThan(0);
    await expect(a.cache.getOrCompute('search:gen', compute, opts())).resolves.toMatchObject({ value: { version: 2 }, cached: false });
    await new Promise((resolve) => setTimeout(resolve, 60)); // b trusts generations it read for 50 ms
    await expect(b.cache.getOrCompute('search:gen', compute, opts())).resolves.toMatchObject({ value: { version: 2 }, cached: true });
  });

  it('ends leases on an ingest: at once on the instance that bumped, within the generation refresh time on the others', async () => {
    const c = instance(400);
    try {
      expect(await links.at(-1)?.waitUntilReady(2000)).toBe(true);
      const compute = async () => ({ version: 1 });
      await a.cache.getOrCompute('search:lease', compute, opts());
      const onA = await a.cache.getOrCompute('search:lease', compute, opts());
      const onC = await c.cache.getOrCompute('search:lease', compute, opts());
      expect(onA.lease?.isValid()).toBe(true);
      expect(onC.lease?.isValid()).toBe(true);
      await a.generations.bump('handbook', new AbortController().signal);
      expect(onA.lease?.isValid()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 450)); // c trusts generations it read for 400 ms
      expect(onC.lease?.isValid()).toBe(false);
    } finally {
      await c.close();
    }
  });

  it('lets an ingest CLI process invalidate what running instances cached', async () => {
    let version = 1;
    const compute = async () => ({ version });
    await a.cache.getOrCompute('search:cli', compute, opts({ sources: ['runbooks'] }));
    version = 2;
    const bumped = await bumpSourceGenerations({
      redisUrl: SHARED_REDIS_URL,
      sources: ['runbooks'],
      logger: silentLogger,
      signal: AbortSignal.timeout(5000),
      keyPrefix: prefix,
    });
    expect(bumped.get('runbooks')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(a.cache.getOrCompute('search:cli', compute, opts({ sources: ['runbooks'] }))).resolves.toMatchObject({ value: { version: 2 }, cached: false });
  });

  it('never writes a partial answer to Redis', async () => {
    const partial = opts<{ partial: boolean }>({ shouldStore: (v) => !v.partial });
    await a.cache.getOrCompute('search:partial', async () => ({ partial: true }), partial);
    const raw = new Redis(SHARED_REDIS_URL);
    try {
      const keys = await scanKeys(raw, `${prefix}c:search:partial:*`);
      expect(keys.filter((k) => !k.endsWith(':lock') && !k.endsWith(':handoff'))).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });

  it('refreshes a stale answer once across both instances while serving the old one', async () => {
    const work = slowCounter((n) => n, 50);
    const short = opts<number>({ ttlMs: 100, staleMs: 10_000 });
    await a.cache.getOrCompute('search:swr', work.compute, short);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const served = await Promise.all([
      ...Array.from({ length: 4 }, () => a.cache.getOrCompute('search:swr', work.compute, short)),
      ...Array.from({ length: 4 }, () => b.cache.getOrCompute('search:swr', work.compute, short)),
    ]);
    expect(served.every((r) => r.value === 1 && r.outcome === 'stale')).toBe(true);
    const deadline = Date.now() + 2000;
    while ((a.cache.refreshesInFlight > 0 || b.cache.refreshesInFlight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(work.calls()).toBe(2);
    await expect(b.cache.getOrCompute('search:swr', work.compute, short)).resolves.toMatchObject({ value: 2 });
  });
});
