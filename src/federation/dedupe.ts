// De-duplication of the fused list: the same document found twice (two sources, or two IDs of one
// source) is shown once, at its best position; the survivor lists the others in `also_in`.
import { BoundedMemo } from '../bounded-memo.js';
import { canonicalizeUrl } from './canonical-url.js';
import type { FusedHit } from './fuse.js';

export interface UniqueHit extends FusedHit {
  alsoIn: string[];
}

/** Titles come back search after search; NFKC normalisation was most of de-duplication's time. */
const normalizedTitles = new BoundedMemo<string>(4096);

export function normalizeTitle(title: string): string {
  return normalizedTitles.get(title, (fresh) => fresh.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim());
}

/**
 * Keeps the first (best) of each group. A hit matches an earlier one by canonical URL or by
 * normalised title + content hash; its other key then points at the same survivor, so
 * "A≈B by URL, B≈C by hash" is one group. The survivor keeps its own score: boosting would
 * reorder earlier pages as deeper pages are fetched.
 */
export function dedupeHits(items: readonly FusedHit[]): UniqueHit[] {
  const survivors: UniqueHit[] = [];
  const byUrl = new Map<string, UniqueHit>();
  const byContent = new Map<string, UniqueHit>();
  for (const item of items) {
    const url = item.hit.url ? canonicalizeUrl(item.hit.url) : null;
    const content = item.hit.contentHash ? `${normalizeTitle(item.hit.title)}\u0000${item.hit.contentHash}` : null;
    const survivor = (url === null ? undefined : byUrl.get(url)) ?? (content === null ? undefined : byContent.get(content));
    let owner: UniqueHit;
    if (survivor) {
      survivor.alsoIn.push(item.id);
      owner = survivor;
    } else {
      // Spelled out rather than spread: V8's spread-plus-property path is ~30× slower.
      owner = {
        id: item.id,
        source: item.source,
        sourceOrder: item.sourceOrder,
        rank: item.rank,
        weight: item.weight,
        hit: item.hit,
        fusedScore: item.fusedScore,
        alsoIn: [],
      };
      survivors.push(owner);
    }
    if (url !== null && !byUrl.has(url)) byUrl.set(url, owner);
    if (content !== null && !byContent.has(content)) byContent.set(content, owner);
  }
  return survivors;
}
