// Cache figures for the status page over a rolling window: lookups served from the cache versus
// computed, and whether the shared cache is degraded. It is a CacheObserver the cache layer feeds.
import type { CacheEvent, CacheObserver } from '../cache/observer.js';

export interface CacheWindowStats {
  kind: 'redis' | 'memory';
  /** True while Redis is unreachable and answers come straight from the sources. */
  degraded: boolean;
  /** Served from the cache / all lookups, over the window; null with no lookups. */
  hitRatio: number | null;
  hits: number;
  misses: number;
}

export interface CacheStatsRecorder extends CacheObserver {
  status(): CacheWindowStats;
}

export interface CacheStatsOptions {
  kind: 'redis' | 'memory';
  now: () => number;
  windowMs?: number;
  bucketMs?: number;
}

/** `stale` and `shared` cost no fan-out either: the cache saved the work. `bypass` did not. */
const HIT_EVENTS: ReadonlySet<CacheEvent> = new Set(['hit', 'stale', 'shared']);
const MISS_EVENTS: ReadonlySet<CacheEvent> = new Set(['miss', 'bypass']);

export function createCacheStatsRecorder(options: CacheStatsOptions): CacheStatsRecorder {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const bucketMs = options.bucketMs ?? Math.max(1, Math.floor(windowMs / 30));
  const slotCount = Math.max(1, Math.ceil(windowMs / bucketMs));
  const slots = Array.from({ length: slotCount }, () => ({ epoch: -1, hits: 0, misses: 0 }));
  let degraded = false;

  function current() {
    const epoch = Math.floor(options.now() / bucketMs);
    const slot = slots[epoch % slotCount]!;
    if (slot.epoch !== epoch) Object.assign(slot, { epoch, hits: 0, misses: 0 });
    return slot;
  }

  return {
    event(_label, event) {
      if (HIT_EVENTS.has(event)) current().hits += 1;
      else if (MISS_EVENTS.has(event)) current().misses += 1;
    },
    degraded(isDegraded) {
      degraded = isDegraded;
    },
    status() {
      const newest = Math.floor(options.now() / bucketMs);
      let hits = 0;
      let misses = 0;
      for (const slot of slots) {
        if (slot.epoch < 0 || slot.epoch <= newest - slotCount || slot.epoch > newest) continue;
        hits += slot.hits;
        misses += slot.misses;
      }
      const lookups = hits + misses;
      return { kind: options.kind, degraded, hitRatio: lookups === 0 ? null : hits / lookups, hits, misses };
    },
  };
}

/** One cache observer that forwards to each given one (metrics and the status page). */
export function combineCacheObservers(...observers: CacheObserver[]): CacheObserver {
  return {
    event(label, event) {
      for (const observer of observers) observer.event(label, event);
    },
    degraded(isDegraded) {
      for (const observer of observers) observer.degraded(isDegraded);
    },
  };
}
