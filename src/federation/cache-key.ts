// The cache key of one search page: everything that shapes the answer, hashed.
// The caller's scope is in it so that keys with different scopes never share an entry.
import { sha256Base64url } from '../digest.js';
import type { FusionSettings } from './fuse.js';
import type { SearchPlan } from './plan.js';
import type { Caller } from './types.js';

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
    fusion,
  ]);
  return `search:${sha256Base64url(basis)}`;
}

/** Documents are the same for every caller allowed to read them; access is checked before the cache. */
export function documentCacheKey(source: string, nativeId: string, namespace: string): string {
  return `doc:${sha256Base64url(JSON.stringify([namespace, source, nativeId]))}`;
}
