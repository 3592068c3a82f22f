// Rank fusion of the sources' lists into one: weighted reciprocal rank fusion (default) or a
// score-aware variant on per-source normalised scores. Deterministic: ties fall to source order, then rank.
import type { RankedHit } from './qualify.js';

export type FusionMode = 'rrf' | 'score';
export type ScoreNormalization = 'minmax' | 'zscore' | 'max';

export interface FusionSettings {
  mode: FusionMode;
  /** k of RRF: score = Σ weight / (k + rank). */
  rrfK: number;
  /** How `score` mode makes scores of different sources comparable (default 'zscore'). */
  normalization?: ScoreNormalization;
}

export interface FusedHit extends RankedHit {
  fusedScore: number;
}

/** Per-source normalisation of raw scores; a list too short to have a spread gets neutral values. */
export function normalizeScores(scores: readonly number[], method: ScoreNormalization): number[] {
  if (scores.length === 0) return [];
  if (method === 'max') {
    const top = Math.max(...scores);
    return scores.map((score) => (top > 0 ? score / top : 1));
  }
  if (method === 'minmax') {
    const min = Math.min(...scores);
    const spread = Math.max(...scores) - min;
    return scores.map((score) => (spread > 0 ? (score - min) / spread : 1));
  }
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  const variance = scores.reduce((sum, score) => sum + (score - mean) ** 2, 0) / scores.length;
  const deviation = Math.sqrt(variance);
  return scores.map((score) => (deviation > 0 ? (score - mean) / deviation : 0));
}

export function compareFused(a: FusedHit, b: FusedHit): number {
  return b.fusedScore - a.fusedScore || a.sourceOrder - b.sourceOrder || a.rank - b.rank;
}

/** One list, best first. Each input list is one source's hits in rank order. */
export function fuseRankings(lists: ReadonlyArray<readonly RankedHit[]>, settings: FusionSettings): FusedHit[] {
  const fused: FusedHit[] = [];
  for (const list of lists) {
    if (settings.mode === 'rrf') {
      for (const item of list) fused.push({ ...item, fusedScore: item.weight / (settings.rrfK + item.rank) });
    } else {
      const normalized = normalizeScores(
        list.map((item) => item.hit.score),
        settings.normalization ?? 'zscore',
      );
      list.forEach((item, index) => fused.push({ ...item, fusedScore: item.weight * (normalized[index] ?? 0) }));
    }
  }
  return fused.sort(compareFused);
}
