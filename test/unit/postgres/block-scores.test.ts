// The connector's BM25 sum over tf blocks and the lengths it holds: the same scores as adding
// each posting's contribution one by one, every document once, in the SQL statements' rank order.
import { describe, expect, it } from 'vitest';
import { allDocuments, decodeBlocks, rankedBatches, topDocuments, type ScoredTerm } from '../../../connectors/postgres/block-scores.js';

type Posting = [docKey: number, tf: number, length: number];

/**
 * One block as migrations/006_tf_blocks.sql stores it: big-endian uint16s (block >> 16,
 * block & 65535, count, escapes), records ((doc_key & 1023) << 6 | min(tf, 63)), then each tf of
 * 63 or more as a uint32, zero-padded to a multiple of 6 bytes, in base64. Lengths are not in it.
 */
function storeBlock(postings: Posting[]): string {
  const block = postings[0]![0] >> 10;
  const escaped = postings.filter(([, tf]) => tf >= 63);
  const words = [block >> 16, block & 65535, postings.length, escaped.length];
  for (const [key, tf] of postings) words.push(((key & 1023) << 6) | Math.min(tf, 63));
  for (const [, tf] of escaped) words.push(tf >>> 16, tf & 65535);
  while (words.length % 3 !== 0) words.push(0);
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

/** The document lengths the connector would hold for these postings. */
function lengthsOf(...lists: Posting[][]): Uint32Array {
  const all = lists.flat();
  const lengths = new Uint32Array(Math.max(0, ...all.map(([key]) => key)) + 1);
  for (const [key, , length] of all) lengths[key] = length;
  return lengths;
}

const C0 = 0.3;
const C1 = 0.9 / 120;
const term = (weight: number, postings: Posting[]): ScoredTerm => ({ weight, c0: C0, c1: C1, blocks: decodeBlocks(storeTerm(postings)) });
type TermPostings = { weight: number; postings: Posting[] };
/** Every document's score, from the terms' blocks and the lengths of their documents. */
const scoreAll = (terms: TermPostings[]) =>
  allDocuments(
    terms.map(({ weight, postings }) => term(weight, postings)),
    lengthsOf(...terms.map((t) => t.postings)),
  );

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
    expectScores(scoreAll(terms), expectedSums(terms));
  });

  it('starts from zero on every call (the shared sums are cleared)', () => {
    const terms = randomTerms(11, 3, 2000);
    const first = scoreAll(terms);
    const second = scoreAll(terms);
    expect([...second.scores]).toEqual([...first.scores]);
  });

  it('reads a tf of 63 or more from the escapes, in blocks beside ordinary ones, and lengths past 65,535', () => {
    const escaped: Posting[] = [
      [7 * 1024 + 1, 70_000, 12],
      [7 * 1024 + 5, 62, 40],
      [7 * 1024 + 9, 63, 3_000_000],
      [7 * 1024 + 1022, 2, 7],
      [7 * 1024 + 1023, 65_536, 1],
    ];
    const plain: Posting[] = [
      [2048, 62, 65535],
      [3071, 1, 10],
    ];
    const terms = [
      { weight: 2, postings: [...plain, ...escaped] },
      { weight: 1.5, postings: [[5, 1, 2_000_000] as Posting] },
    ];
    expectScores(scoreAll(terms), expectedSums(terms));
  });

  it('handles doc_keys in blocks past 65,535 (the block number takes two uint16s)', () => {
    const far: Posting[] = [
      [70_000 * 1024 + 3, 2, 10],
      [70_000 * 1024 + 4, 1, 20],
    ];
    expectScores(scoreAll([{ weight: 1, postings: far }]), expectedSums([{ weight: 1, postings: far }]));
  });

  it('skips a term that adds nothing', () => {
    expect(scoreAll([{ weight: 0, postings: [[5, 1, 10]] }]).keys.length).toBe(0);
    expect(scoreAll([{ weight: 2, postings: [[5, 1, 10]] }]).keys).toEqual(Int32Array.from([5]));
  });

  it('scores a document whose length it does not hold yet as of length 0, past the end of the lengths too', () => {
    const late: Posting[] = [[5000, 2, 10]];
    const scored = allDocuments([term(1, late)], new Uint32Array(10));
    expect(scored.keys).toEqual(Int32Array.from([5000]));
    expect(scored.scores[0]).toBeCloseTo(2 / (2 + C0), 12);
  });

  it('refuses blocks whose header does not fit the data, or whose escapes disagree with its records', () => {
    const stored = Buffer.from(storeBlock([[1, 1, 1]]), 'base64');
    const torn = decodeBlocks(stored.subarray(0, 6).toString('base64'));
    expect(() => allDocuments([{ weight: 1, c0: C0, c1: C1, blocks: torn }], lengthsOf())).toThrow(/does not fit/);
    // two records that say "see the escapes", one escape
    const bad = Buffer.from(
      storeBlock([
        [1, 70, 1],
        [2, 1, 1],
      ]),
      'base64',
    );
    bad.writeUInt16BE((2 << 6) | 63, 10);
    expect(() => allDocuments([{ weight: 1, c0: C0, c1: C1, blocks: decodeBlocks(bad.toString('base64')) }], lengthsOf())).toThrow(/disagree/);
    // and the sums it had begun are cleared: the next search starts from zero
    expect(scoreAll([{ weight: 1, postings: [[2, 1, 1]] }]).keys).toEqual(Int32Array.from([2]));
  });
});

describe('decodeBlocks', () => {
  it('reads a full block of 1,024 postings, which Buffer gives memory of its own (small ones come from its shared pool)', () => {
    const many: Posting[] = Array.from({ length: 1024 }, (_, i) => [40 * 1024 + i, 1 + (i % 70), 3 * i]);
    expectScores(scoreAll([{ weight: 3, postings: many }]), expectedSums([{ weight: 3, postings: many }]));
  });
});

/** doc_keys in the SQL statements' rank order: float4 score descending, then doc_key. */
const rankOf = (scores: Float64Array, keys: Int32Array) =>
  [...keys.keys()].sort((a, b) => Math.fround(scores[b]!) - Math.fround(scores[a]!) || keys[a]! - keys[b]!).map((index) => keys[index]);

describe('topDocuments', () => {
  it('picks the best k in rank order, with their exact scores, and leaves the sums at zero', () => {
    const list = randomTerms(5, 4, 3000);
    const terms = list.map(({ weight, postings }) => term(weight, postings));
    const lengths = lengthsOf(...list.map((t) => t.postings));
    const all = allDocuments(terms, lengths);
    const expected = rankOf(all.scores, all.keys);
    for (const k of [1, 10, 50, 10_000]) {
      const top = topDocuments(terms, lengths, k);
      expect(top.map((candidate) => candidate.key)).toEqual(expected.slice(0, k));
      for (const { key, score } of top) expect(score).toBe(all.scores[all.keys.indexOf(key)]);
    }
    // a second pass sees the same sums: nothing was left behind by the first
    expect(allDocuments(terms, lengths).scores).toEqual(all.scores);
  });

  it('ranks documents tied to float4 precision by doc_key, whatever order their sums came in', () => {
    // with c0 = c1 = 0 a posting adds its weight: 0.1 + 0.2 and 0.3 differ in float8, not in float4
    const terms: ScoredTerm[] = [
      { weight: 0.1, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[9, 1, 1]])) },
      { weight: 0.2, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[9, 1, 1]])) },
      { weight: 0.3, c0: 0, c1: 0, blocks: decodeBlocks(storeTerm([[4, 1, 1]])) },
    ];
    const top = topDocuments(terms, lengthsOf([[9, 1, 1]], [[4, 1, 1]]), 2);
    expect(top.map((candidate) => candidate.key)).toEqual([4, 9]);
    expect(top[1]!.score).toBe(0.1 + 0.2);
  });
});

describe('rankedBatches', () => {
  it('yields every document once, best first by float4 score then doc_key, in growing batches', () => {
    const scored = scoreAll(randomTerms(3, 4, 2500));
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
