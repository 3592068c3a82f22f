// The cache key of one search page: everything that shapes the answer, hashed.
// The caller's scope and principals are in it, so callers who may see different sources or
// documents never share an entry.
import { sha256Base64url } from '../digest.js';
import type { FusionSettings } from './fuse.js';
import type { SearchPlan } from './plan.js';
import type { Caller } from './types.js';

/**
 * Who the answer was computed for, as documents are filtered: '*' for a service caller (reads
 * everything), else a digest of the sorted principal set (no principal appears in a key).
 */
export function principalScope(caller: Pick<Caller, 'principals'>): string {
  const principals = caller.principals;
  if (principals === null || principals === undefined) return '*';
  return sha256Base64url(JSON.stringify([...new Set(principals)].sort()));
}

export function searchCacheKey(plan: SearchPlan, offset: number, caller: Caller, fusion: FusionSettings, namespace: string): string {
  const scope = caller.allowedSources === null ? '*' : [...caller.allowedSources].sort();
  const basis = JSON.stringify([
    namespace,
    plan.normalizedQuery,
    plan.limit,
    offset,
    [...plan.selected].sort(),
    plan.updatedAfter?.toISOString() ?? null,
    scope,
    principalScope(caller),
    fusion,
  ]);
  return `search:${sha256Base64url(basis)}`;
}

/**
 * Source access is checked before the cache; document ACLs are enforced by the source, so the
 * entry belongs to one principal set (a forbidden document, cached as missing, stays missing).
 */
export function documentCacheKey(source: string, nativeId: string, namespace: string, caller: Pick<Caller, 'principals'>): string {
  return `doc:${sha256Base64url(JSON.stringify([namespace, source, nativeId, principalScope(caller)]))}`;
}
