// Turns one source's hits into ranked, source-qualified entries (`<source>:<native id>`).
// A connector's answer is not trusted: malformed hits are dropped or repaired here, so one
// misbehaving source can neither break the output schema nor fail the whole search.
import type { SourceHit } from '../../connectors/contract/types.js';

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

/** A hit with every field of the type the output schema promises (title falls back to the id). */
function repairHit(raw: unknown): SourceHit | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const hit = raw as Partial<Record<keyof SourceHit, unknown>>;
  if (typeof hit.nativeId !== 'string' || hit.nativeId.length === 0) return null;
  const updatedAt = typeof hit.updatedAt === 'string' && !Number.isNaN(Date.parse(hit.updatedAt)) ? hit.updatedAt : null;
  return {
    nativeId: hit.nativeId,
    title: typeof hit.title === 'string' && hit.title.length > 0 ? hit.title : hit.nativeId,
    snippet: typeof hit.snippet === 'string' ? hit.snippet : '',
    url: typeof hit.url === 'string' && hit.url.length > 0 ? hit.url : null,
    score: typeof hit.score === 'number' && Number.isFinite(hit.score) ? hit.score : 0,
    updatedAt,
    contentHash: typeof hit.contentHash === 'string' ? hit.contentHash : null,
  };
}

/** At most `max` hits, best first, without malformed, empty or repeated native IDs. */
export function qualifyHits(source: string, sourceOrder: number, weight: number, hits: readonly SourceHit[], max: number): RankedHit[] {
  const seen = new Set<string>();
  const ranked: RankedHit[] = [];
  for (const raw of hits) {
    if (ranked.length >= max) break;
    const hit = repairHit(raw);
    if (hit === null || seen.has(hit.nativeId)) continue;
    seen.add(hit.nativeId);
    ranked.push({ id: `${source}:${hit.nativeId}`, source, sourceOrder, rank: ranked.length + 1, weight, hit });
  }
  return ranked;
}
