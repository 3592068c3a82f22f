// A cached value with its timestamps, and the one rule that says whether it is fresh, stale
// (served while a refresh runs) or expired.

export interface CacheEntry {
  /** Plain JSON; shared by every reader, so treat it as read-only. */
  value: unknown;
  /** Epoch ms at which it was computed. */
  storedAt: number;
  /** Served as a plain hit until then. */
  freshUntil: number;
  /** Served stale (with one background refresh) until then; gone afterwards. */
  staleUntil: number;
}

export type Freshness = 'fresh' | 'stale' | 'expired';

export function makeEntry(value: unknown, now: number, ttlMs: number, staleMs: number): CacheEntry {
  const freshUntil = now + ttlMs;
  return { value, storedAt: now, freshUntil, staleUntil: freshUntil + staleMs };
}

export function classifyEntry(entry: CacheEntry, now: number): Freshness {
  if (now < entry.freshUntil) return 'fresh';
  return now < entry.staleUntil ? 'stale' : 'expired';
}
