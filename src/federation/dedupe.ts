// De-duplication of the fused list: the same document found twice (two sources, or two IDs of one
// source) is shown once, at its best position; the survivor lists the others in `also_in`.
import { canonicalizeUrl } from './canonical-url.js';
import type { FusedHit } from './fuse.js';

export interface UniqueHit extends FusedHit {
  alsoIn: string[];
}

export function normalizeTitle(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Keys under which a hit can match another: its canonical URL, and its title + content hash. */
function duplicateKeys(item: FusedHit): string[] {
  const keys: string[] = [];
  const url = item.hit.url ? canonicalizeUrl(item.hit.url) : null;
  if (url) keys.push(`u ${url}`);
  const hash = item.hit.contentHash;
  if (hash) keys.push(`t ${normalizeTitle(item.hit.title)}\u0000${hash}`);
  return keys;
}

/**
 * Keeps the first (best) of each group. A later hit joins a group through either key, and its
 * other key then points at the same survivor, so "A≈B by URL, B≈C by hash" is one group.
 * The survivor keeps its own score: boosting would reorder earlier pages as deeper pages are fetched.
 */
export function dedupeHits(items: readonly FusedHit[]): UniqueHit[] {
  const survivors: UniqueHit[] = [];
  const byKey = new Map<string, UniqueHit>();
  for (const item of items) {
    const keys = duplicateKeys(item);
    let survivor: UniqueHit | undefined;
    for (const key of keys) {
      survivor = byKey.get(key);
      if (survivor) break;
    }
    if (survivor) {
      survivor.alsoIn.push(item.id);
    } else {
      survivor = { ...item, alsoIn: [] };
      survivors.push(survivor);
    }
    for (const key of keys) if (!byKey.has(key)) byKey.set(key, survivor);
  }
  return survivors;
}
