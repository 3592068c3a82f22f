// The relevance benchmark's metrics (bench/relevance), checked against hand-computed values.
import { describe, expect, it } from 'vitest';
import { ndcgAt, percentile, recallAt } from '../../../bench/relevance/metrics.js';
import { splitCorpus } from '../../../bench/relevance/scifact.js';

const judged = new Map([
  ['a', 1],
  ['b', 1],
]);

describe('relevance metrics', () => {
  it('computes nDCG@k with log2(rank + 1) discounts', () => {
    expect(ndcgAt(['a', 'b', 'x'], judged, 10)).toBeCloseTo(1);
    // a at rank 2, b missing: (1/log2 3) / (1 + 1/log2 3)
    expect(ndcgAt(['x', 'a'], judged, 10)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)));
    expect(ndcgAt(['x', 'y', 'a'], judged, 2)).toBe(0);
    expect(ndcgAt([], judged, 10)).toBe(0);
  });

  it('does not reward a duplicated id twice', () => {
    expect(ndcgAt(['a', 'a'], new Map([['a', 1]]), 10)).toBeCloseTo(1);
    expect(ndcgAt(['a', 'a', 'b'], judged, 10)).toBeCloseTo(1);
  });

  it('computes recall@k', () => {
    expect(recallAt(['a', 'x'], judged, 100)).toBe(0.5);
    expect(recallAt(['x', 'a'], judged, 1)).toBe(0);
  });

  it('splits a corpus round-robin into equal parts', () => {
    expect(splitCorpus([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
    expect(() => splitCorpus([1], 0)).toThrow(RangeError);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });
});
