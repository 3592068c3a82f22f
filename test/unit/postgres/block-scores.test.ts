// The connector's BM25 sum over posting blocks: the same scores as adding each posting's
// contribution one by one, every document once, in the SQL statements' rank order.
import { describe, expect, it } from 'vitest';
import { allDocuments, decodeBlocks, rankedBatches, topDocuments, type ScoredTerm } from '../../../connectors/postgres/block-scores.js';

type Posting = [docKey: number, tf: number, length: number];

/**
 * One block as migrations/004_posting_blocks.sql stores it: big-endian uint16s (block >> 16,
 * block & 65535, count, flags), records (doc_key & 1023, tf & 65535, length & 65535), the high
 * halves when needed, zero-padded to a multiple of 12 bytes, in base64.
 */
function storeBlock(postings: Posting[]): string {
  const block = postings[0]![0] >> 10;
  const high = postings.some(([, tf, length]) => tf > 65535 || length > 65535);
  const words = [block >> 16, block & 65535, postings.length, high ? 1 : 0];
  for (const [key, tf, length] of postings) words.push(key & 1023, tf & 65535, length & 65535);
  if (high) for (const [, tf, length] of postings) words.push(tf >>> 16, length >>> 16);
  while (words.length % 6 !== 0) words.push(0);
  const bytes = Buffer.alloc(words.length * 2);
  words.forEach((word, index) => {
    bytes.writeUInt16BE(word, index * 2);
  });
  return bytes.toString('base64');
}

/** A term's postings as the block statement returns them: its blocks' base64, concatenated. */
function storeTerm(postings: Posting[]): string {
  const byBlock = new Map<number, Posting[]>();
  for (const posting of postings) byBlock.set(posting[0] >> 10, [...(byBlock.get(posting[0] >> 10) ?? []), posting]);
  return [...byBlock.values()].map(storeBlock).join('');
}

const C0 = 0.3;
const C1 = 0.9 / 120;
const term = (weight: number, postings: Posting[]): ScoredTerm => ({ weight, c0: C0, c1: C1, blocks: decodeBlocks(storeTerm(postings)) });

function randomTerms(seed: number, terms: number, documents: number): Array<{ weight: number; postings: Posting[] }> {
  let state = seed;
  const random = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const lengths = Array.from({ length: documents }, () => 1 + Math.floor(random() * 300));
  return Array.from({ length: terms }, () => {
    const list: Posting[] = [];
    for (let key = 1; key <= documents; key += 1) if (random() < 0.3) list.push([key, 1 + Math.floor(random() * 5), lengths[key - 1]!]);
    return { weight: 0.5 + random() * 8, postings: list };
  });
}

function expectedSums(terms: Array<{ weight: number; postings: Posting[] }>): Map<number, number> {
  const expected = new Map<number, number>();
  for (const { weight, postings } of terms) {
    for (const [key, tf, length] of postings) expected.set(key, (expected.get(key) ?? 0) + (weight * tf) / (tf + C0 + C1 * length));
  }
  return expected;
}

function expectScores(scored: { keys: Int32Array; scores: Float64Array }, expected: Map<number, number>): void {
  expect(scored.keys.length).toBe(expected.size);
  expect(new Set(scored.keys).size).toBe(expected.size);
  for (const [index, key] of scored.keys.entries()) expect(scored.scores[index]).toBeCloseTo(expected.get(key)!, 12);
}

describe('allDocuments', () => {
  it('gives every document the sum of its postings contributions, once, across many blocks', () => {
    const terms = randomTerms(7, 5, 3000);
    expectScores(allDocuments(terms.map(({ weight, postings }) => term(weight, postings))), expectedSums(terms));
  });

  it('starts from zero on every call (the shared sums are cleared)', () => {
    const terms = randomTerms(11, 3, 2000).map(({ weight, postings }) => term(weight, postings));
    const first = allDocuments(terms);
    const second = allDocuments(terms);
    expect([...second.scores]).toEqual([...first.scores]);
  });

  it('reads the high halves of a tf or a length past 65,535, in blocks beside ordinary ones', () => {
    const wide: Posting[] = [
      [7 * 1024 + 1, 70_000, 12],
      [7 * 1024 + 9, 2, 3_000_000],
      [7 * 1024 + 1023, 1, 1],
    ];
    const narrow: Posting[] = [
      [2048, 65535, 65535],
      [3071, 1, 10],
    ];
    const terms = [
      { weight: 2, postings: [...narrow, ...wide] },
      { weight: 1.5, postings: [[5, 1, 2_000_000] as Posting] },
    ];
    expectScores(allDocuments(terms.map(({ weight, postings }) => term(weight, postings))), expectedSums(terms));
  });

  it('handles doc_keys in blocks past 65,535 (the block number takes two uint16s)', () => {
    const far: Posting[] = [
      [70_000 * 1024 + 3, 2, 10],
      [70_000 * 1024 + 4, 1, 20],
    ];
    expectScores(allDocuments([term(1, far)]), expectedSums([{ weight: 1, postings: far }]));
  });

  it('skips a term that adds nothing', () => {
    expect(allDocuments([term(0, [[5, 1, 10]])]).keys.length).toBe(0);
    expect(allDocuments([term(2, [[5, 1, 10]])]).keys).toEqual(Int32Array.from([5]));
  });

  it('refuses blocks whose header does not fit the data', () => {
    const stored = Buffer.from(storeBlock([[1, 1, 1]]), 'base64');
    const torn = decodeBlocks(stored.subarray(0, 6).toString('base64'));
    expect(() => allDocuments([{ weight: 1, c0: C0, c1: C1, blocks: torn }])).toThrow(/does not fit/);
  });
});

describe('decodeBlocks', () => {
  it('reads a full block of 1,024 postings, which Buffer gives memory of its own (small ones come from its shared pool)', () => {
    const many: Posting[] = Array.from({ length: 1024 }, (_, i) => [40 * 1024 + i, 1 + (i % 7), 3 * i]);
    expectScores(allDocuments([term(3, many)]), expectedSums([{ weight: 3, postings: many }]));
  });
});

/** doc_keys in the SQL statements' rank order: float4 score descending, then doc_key. */
const rankOf = (scores: Float64Array, keys: Int32Array) =>
  [...keys.keys()].sort((a, b) => Math.fround(scores[b]!) - Math.fround(scores[a]!) || keys[a]! - keys[b]!).map((index) => keys[index]);

describe('topDocuments', () => {
  it('picks the best k in rank order, with their exact scores, and leaves the sums at zero', () => {
    const terms = randomTerms(5, 4, 3000).map(({ weight, postings }) => term(weight, postings));
    const all = allDocuments(terms);
    const expected = rankOf(all.scores, all.keys);
    for (const k of [1, 10, 50, 10_000]) {
      const top = topDocuments(terms, k);
      expect(top.map((candidate) => candidate.key)).toEqual(expected.slice(0, k));
      for (const { key, score } of top) expect(score).toBe(all.scores[all.keys.indexOf(key)]);
    }
    // a second pass sees the same sums: nothing was left behind by the first
    expect(allDocuments(terms).scores).toEqual(all.scores);
  });

  it('ranks documents tied to float4 precision by doc_key, whatever order their sums came in', () => {
    // with c0 = c1 = 0 a posting adds its weight: 0.1 + 0.2 and 0.3 differ in float8, not in float4
    const terms: ScoredTerm[] = [
      { weight: 0.1, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[9, 1, 1]])) },
      { weight: 0.2, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[9, 1, 1]])) },
      { weight: 0.3, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[4, 1, 1]])) },
    ];
    const top = topDocuments(terms, 2);
    expect(top.map((candidate) => candidate.key)).toEqual([4, 9]);
    expect(top[1]!.score).toBe(0.1 + 0.2);
  });
});

describe('rankedBatches', () => {
  it('yields every document once, best first by float4 score then doc_key, in growing batches', () => {
    const scored = allDocuments(randomTerms(3, 4, 2500).map(({ weight, postings }) => term(weight, postings)));
    const batches = [...rankedBatches(scored, 10)];
    expect(batches[0]).toHaveLength(10);
    expect(batches[1]).toHaveLength(40);
    expect(batches.flat().map((candidate) => candidate.key)).toEqual(rankOf(scored.scores, scored.keys));
  });

  it('ranks scores equal to float4 precision by doc_key, whatever the last bits', () => {
    const scored = { keys: Int32Array.from([9, 4, 7]), scores: Float64Array.from([1.0000000001, 1, 0.5]) };
    const [first] = [...rankedBatches(scored, 3)];
    expect(first!.map((candidate) => candidate.key)).toEqual([4, 9, 7]);
    expect(first![1]!.score).toBe(1.0000000001);
  });

  it('yields nothing for no documents', () => {
    expect([...rankedBatches({ keys: new Int32Array(0), scores: new Float64Array(0) }, 10)]).toEqual([]);
  });
});
