// Rank fusion of the sources' lists into one: raw BM25 scores computed with global statistics,
// weighted reciprocal rank fusion, or per-source normalised scores. Deterministic: ties fall to
// source order, then rank.
import type { RankedHit } from './qualify.js';

/**
 * `global`: every source scores with the federation's global statistics (issue 17), so scores are
 * merged as they are; `rrf`: reciprocal rank fusion; `score`: per-source normalised scores.
 */
export type FusionMode = 'global' | 'rrf' | 'score';
/**
 * How `score` mode makes different sources' scores comparable, from each source's top
 * `scoreWindow` hits: `mean` divides by their mean (scale-free; the measured best), `zscore`
 * standardises, `minmax` maps onto 0..1, `max` divides by the top score.
 */
export type ScoreNormalization = 'mean' | 'zscore' | 'minmax' | 'max';

export interface FusionSettings {
  mode: FusionMode;
  /** k of RRF: score = Σ weight / (k + rank). */
  rrfK: number;
  /** Default 'mean'. */
  normalization?: ScoreNormalization;
  /**
   * How many of a source's top hits set its normalisation (default 10). Fixed, not the page
   * depth, so that normalised scores — and thus pages — do not shift as deeper pages are fetched.
   */
  scoreWindow?: number;
}

export const DEFAULT_SCORE_WINDOW = 10;

export interface FusedHit extends RankedHit {
  fusedScore: number;
}

/** Hits a source must be asked for so that `score` mode sees its whole normalisation window. */
export function fusionFetchLimit(pageLimit: number, settings: FusionSettings): number {
  // `global` falls back to `score` when no source reports statistics, so it fetches the window too.
  return settings.mode !== 'rrf' ? Math.max(pageLimit, settings.scoreWindow ?? DEFAULT_SCORE_WINDOW) : pageLimit;
}

/** Per-source normalisation of raw scores (best first), with statistics from the first `window`. */
export function normalizeScores(scores: readonly number[], method: ScoreNormalization, window: number = scores.length): number[] {
  const basis = scores.slice(0, Math.max(1, window));
  if (basis.length === 0) return [];
  switch (method) {
    case 'mean': {
      const mean = basis.reduce((sum, score) => sum + score, 0) / basis.length;
      // Scores are non-negative relevance by contract; a source without positive scores has nothing to stand out with.
      return scores.map((score) => (mean > 0 ? score / mean : 0));
    }
    case 'max': {
      const top = Math.max(...basis);
      return scores.map((score) => (top > 0 ? score / top : 0));
    }
    case 'minmax': {
      const min = Math.min(...basis);
      const spread = Math.max(...basis) - min;
      return scores.map((score) => (spread > 0 ? (score - min) / spread : 1));
    }
    case 'zscore': {
      const mean = basis.reduce((sum, score) => sum + score, 0) / basis.length;
      const deviation = Math.sqrt(basis.reduce((sum, score) => sum + (score - mean) ** 2, 0) / basis.length);
      return scores.map((score) => (deviation > 0 ? (score - mean) / deviation : 0));
    }
  }
}

export function compareFused(a: FusedHit, b: FusedHit): number {
  return b.fusedScore - a.fusedScore || a.sourceOrder - b.sourceOrder || a.rank - b.rank;
}

// Spelled out: on Node 20 `{ ...item, fusedScore }` takes V8's slow path, ~30× the cost.
function withScore(item: RankedHit, fusedScore: number): FusedHit {
  return { id: item.id, source: item.source, sourceOrder: item.sourceOrder, rank: item.rank, weight: item.weight, hit: item.hit, fusedScore };
}

/** One list, best first. Each input list is one source's hits in rank order. */
export function fuseRankings(lists: ReadonlyArray<readonly RankedHit[]>, settings: FusionSettings): FusedHit[] {
  const fused: FusedHit[] = [];
  for (const list of lists) {
    if (settings.mode === 'rrf') {
      for (const item of list) fused.push(withScore(item, item.weight / (settings.rrfK + item.rank)));
      continue;
    }
    if (settings.mode === 'global') {
      for (const item of list) fused.push(withScore(item, item.weight * item.hit.score));
      continue;
    }
    const normalized = normalizeScores(
      list.map((item) => item.hit.score),
      settings.normalization ?? 'mean',
      settings.scoreWindow ?? DEFAULT_SCORE_WINDOW,
    );
    list.forEach((item, index) => {
      fused.push(withScore(item, item.weight * (normalized[index] ?? 0)));
    });
  }
  return fused.sort(compareFused);
}
