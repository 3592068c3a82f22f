import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuseRankings, normalizeScores } from '../../../src/federation/fuse.js';
import { qualifyHits, type RankedHit } from '../../../src/federation/qualify.js';
import type { SourceHit } from '../../../connectors/contract/types.js';

function hits(ids: string[], scores?: number[]): SourceHit[] {
  return ids.map((id, index) => ({ nativeId: id, title: id, snippet: '', url: null, score: scores?.[index] ?? 100 - index, updatedAt: null }));
}

const rrf = { mode: 'rrf' as const, rrfK: 60 };

describe('qualifyHits', () => {
  it('prefixes IDs with the source, ranks from 1, and drops repeats, empties and overflow', () => {
    const list = qualifyHits('wiki', 2, 1.5, hits(['a', 'b', 'a', '', 'c', 'd']), 3);
    expect(list.map((item) => [item.id, item.rank])).toEqual([
      ['wiki:a', 1],
      ['wiki:b', 2],
      ['wiki:c', 3],
    ]);
    expect(list[0]).toMatchObject({ source: 'wiki', sourceOrder: 2, weight: 1.5 });
  });

  it('treats a non-finite score as 0', () => {
    expect(qualifyHits('s', 0, 1, hits(['a'], [Number.NaN]), 5)[0]?.hit.score).toBe(0);
  });
});

describe('fuseRankings (weighted RRF)', () => {
  it('scores weight / (k + rank)', () => {
    const [top] = fuseRankings([qualifyHits('a', 0, 2, hits(['x']), 10)], rrf);
    expect(top?.fusedScore).toBeCloseTo(2 / 61, 12);
  });

  it('lets a heavier source win at equal rank', () => {
    const fused = fuseRankings([qualifyHits('light', 0, 1, hits(['l1']), 10), qualifyHits('heavy', 1, 2, hits(['h1']), 10)], rrf);
    expect(fused.map((item) => item.id)).toEqual(['heavy:h1', 'light:l1']);
  });

  it('interleaves equal-weight sources by rank, ties going to the source listed first in config', () => {
    const fused = fuseRankings([qualifyHits('b', 1, 1, hits(['b1', 'b2']), 10), qualifyHits('a', 0, 1, hits(['a1', 'a2']), 10)], rrf);
    expect(fused.map((item) => item.id)).toEqual(['a:a1', 'b:b1', 'a:a2', 'b:b2']);
  });

  it('is deterministic whatever order the lists arrive in (property)', () => {
    const listArb = fc.array(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}$/), { maxLength: 8 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(listArb, fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }), (lists, weights) => {
        const ranked: RankedHit[][] = lists.map((ids, order) => qualifyHits(`s${order}`, order, weights[order]!, hits(ids), 10));
        const forward = fuseRankings(ranked, rrf).map((item) => item.id);
        const backward = fuseRankings([...ranked].reverse(), rrf).map((item) => item.id);
        expect(backward).toEqual(forward);
        expect(new Set(forward).size).toBe(forward.length);
      }),
    );
  });

  it('keeps each source’s own order (fusion never reorders within a source)', () => {
    const fused = fuseRankings([qualifyHits('a', 0, 1, hits(['a1', 'a2', 'a3']), 10), qualifyHits('b', 1, 3, hits(['b1', 'b2']), 10)], rrf);
    const ofA = fused.filter((item) => item.source === 'a').map((item) => item.id);
    expect(ofA).toEqual(['a:a1', 'a:a2', 'a:a3']);
  });
});

describe('score-aware fusion', () => {
  it('normalises by the mean of the window: scale-free, and a source without positive scores gets 0', () => {
    expect(normalizeScores([6, 3, 3], 'mean')).toEqual([1.5, 0.75, 0.75]);
    expect(normalizeScores([60, 30, 30], 'mean')).toEqual(normalizeScores([6, 3, 3], 'mean'));
    expect(normalizeScores([0, 0], 'mean')).toEqual([0, 0]);
  });

  it('takes its statistics from the first `window` hits only, so deeper fetches do not move earlier hits', () => {
    const shallow = normalizeScores([8, 4, 4], 'mean', 3);
    const deeper = normalizeScores([8, 4, 4, 1, 1, 1, 1], 'mean', 3);
    expect(deeper.slice(0, 3)).toEqual(shallow);
  });

  it('normalises per source: z-score, min-max and max', () => {
    expect(normalizeScores([3, 2, 1], 'minmax')).toEqual([1, 0.5, 0]);
    expect(normalizeScores([4, 2], 'max')).toEqual([1, 0.5]);
    const z = normalizeScores([3, 2, 1], 'zscore');
    expect(z[1]).toBeCloseTo(0, 12);
    expect(z[0]).toBeCloseTo(-z[2]!, 12);
    expect(normalizeScores([5], 'zscore')).toEqual([0]);
    expect(normalizeScores([5, 5], 'minmax')).toEqual([1, 1]);
  });

  it.each(['mean', 'zscore'] as const)('%s: puts a clear winner of one source above a weak top hit of another', (normalization) => {
    const strong = qualifyHits('a', 0, 1, hits(['a1', 'a2', 'a3', 'a4'], [30, 5, 4, 3]), 10);
    const flat = qualifyHits('b', 1, 1, hits(['b1', 'b2', 'b3', 'b4'], [10, 9.9, 9.8, 9.7]), 10);
    const fused = fuseRankings([flat, strong], { mode: 'score', rrfK: 60, normalization });
    expect(fused[0]?.id).toBe('a:a1');
    expect(fused.filter((item) => item.source === 'b').map((item) => item.rank)).toEqual([1, 2, 3, 4]);
  });

  it('ignores the scale a source scores on', () => {
    const small = qualifyHits('a', 0, 1, hits(['a1', 'a2'], [0.3, 0.1]), 10);
    const large = qualifyHits('b', 1, 1, hits(['b1', 'b2'], [200, 180]), 10);
    const fused = fuseRankings([small, large], { mode: 'score', rrfK: 60 });
    expect(fused.map((item) => item.id)).toEqual(['a:a1', 'b:b1', 'b:b2', 'a:a2']);
  });

  it('weights normalised scores by the source weight', () => {
    const a = qualifyHits('a', 0, 1, hits(['a1', 'a2'], [3, 1]), 10);
    const b = qualifyHits('b', 1, 2, hits(['b1', 'b2'], [3, 1]), 10);
    const fused = fuseRankings([a, b], { mode: 'score', rrfK: 60 });
    expect(fused.map((item) => [item.id, item.fusedScore])).toEqual([
      ['b:b1', 3],
      ['a:a1', 1.5],
      ['b:b2', 1],
      ['a:a2', 0.5],
    ]);
  });
});
