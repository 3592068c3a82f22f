// Turns one source's hits into ranked, source-qualified entries (`<source>:<native id>`).
// A connector's answer is trusted for shape (the contract types it) but not for discipline.
import type { SourceHit } from '../../connectors/types.js';

export interface RankedHit {
  /** `<source>:<native id>`. */
  id: string;
  source: string;
  /** Position of the source in the config; breaks fusion ties. */
  sourceOrder: number;
  /** 1-based rank within its source. */
  rank: number;
  weight: number;
  hit: SourceHit;
}

/** At most `max` hits, best first, without empty or repeated native IDs; non-finite scores become 0. */
export function qualifyHits(source: string, sourceOrder: number, weight: number, hits: readonly SourceHit[], max: number): RankedHit[] {
  const seen = new Set<string>();
  const ranked: RankedHit[] = [];
  for (const hit of hits) {
    if (ranked.length >= max) break;
    if (typeof hit.nativeId !== 'string' || hit.nativeId.length === 0 || seen.has(hit.nativeId)) continue;
    seen.add(hit.nativeId);
    const clean = Number.isFinite(hit.score) ? hit : { ...hit, score: 0 };
    ranked.push({ id: `${source}:${hit.nativeId}`, source, sourceOrder, rank: ranked.length + 1, weight, hit: clean });
  }
  return ranked;
}
