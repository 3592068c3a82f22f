import { describe, expect, it } from 'vitest';
import { combineCacheObservers, createCacheStatsRecorder } from '../../../src/status/cache-stats.js';

describe('createCacheStatsRecorder', () => {
  it('has no ratio before the first lookup', () => {
    const recorder = createCacheStatsRecorder({ kind: 'memory', now: () => 0 });
    expect(recorder.status()).toEqual({ kind: 'memory', degraded: false, hitRatio: null, hits: 0, misses: 0 });
  });

  it('counts fresh, stale and shared answers as hits, computed and bypassed ones as misses', () => {
    const recorder = createCacheStatsRecorder({ kind: 'redis', now: () => 0 });
    for (const event of ['hit', 'hit', 'stale', 'shared', 'miss', 'bypass', 'store_error', 'refreshed', 'refresh_failed'] as const)
      recorder.event('search', event);
    expect(recorder.status()).toMatchObject({ hits: 4, misses: 2 });
    expect(recorder.status().hitRatio).toBeCloseTo(4 / 6);
  });

  it('follows the degraded signal and forgets lookups older than the window', () => {
    let now = 0;
    const recorder = createCacheStatsRecorder({ kind: 'redis', now: () => now, windowMs: 60_000, bucketMs: 10_000 });
    recorder.event('doc', 'miss');
    recorder.degraded(true);
    expect(recorder.status()).toMatchObject({ degraded: true, hits: 0, misses: 1, hitRatio: 0 });
    now = 70_000;
    recorder.event('doc', 'hit');
    recorder.degraded(false);
    expect(recorder.status()).toMatchObject({ degraded: false, hits: 1, misses: 0, hitRatio: 1 });
  });
});

describe('combineCacheObservers', () => {
  it('feeds every observer', () => {
    const a = createCacheStatsRecorder({ kind: 'redis', now: () => 0 });
    const b = createCacheStatsRecorder({ kind: 'redis', now: () => 0 });
    const both = combineCacheObservers(a, b);
    both.event('search', 'hit');
    both.degraded(true);
    for (const recorder of [a, b]) expect(recorder.status()).toMatchObject({ hits: 1, degraded: true });
  });
});
