// BM25 summed in the connector over packed tf blocks (migrations/006_tf_blocks.sql) and the
// document lengths it keeps in memory (document-lengths.ts). Postgres reads a common term's
// postings as a few wide rows; adding up ~100k contributions here costs well under a millisecond,
// where the same sum as a SQL aggregate cost ~1.4 µs per posting (docs/benchmarks.md, "Postgres
// at scale"). Synchronous: the accumulator is shared scratch.

/** One query term as the block statement returns it: its weight, the length norm, and its blocks. */
export interface ScoredTerm {
  /** The term's IDF × query tf × (k1 + 1). */
  weight: number;
  /** BM25's length norm k1·(1 − b + b·len/avgdl) as c0 + c1·len. */
  c0: number;
  c1: number;
  /** The term's blocks, one after another (`decodeBlocks`). */
  blocks: Uint16Array;
}

export const BLOCK_DOCUMENTS = 1024;
/** Header: block >> 16, block & 65535, count, escapes. */
const HEADER = 4;
/** A record's low 6 bits: its tf, or this to say that its tf is the next escape. */
const TF_BITS = 6;
const TF_ESCAPE = 63;

/**
 * A term's stored blocks, concatenated (base64 of big-endian uint16s, each block padded to 6
 * bytes so that the concatenation is itself base64), as uint16s in this machine's byte order
 * (every platform Node runs on is little-endian).
 */
export function decodeBlocks(stored: string): Uint16Array {
  const bytes = Buffer.from(stored, 'base64');
  bytes.swap16();
  // Buffer.from aligns small buffers in its shared pool to 8 bytes and gives large ones their own
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : Uint8Array.from(bytes);
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
}

/** Where the block at `at` ends (in uint16s), after checking that its header fits the data. */
function blockEnd(blocks: Uint16Array, at: number): number {
  if (at + HEADER > blocks.length) throw new Error(`tf block at ${2 * at} of ${2 * blocks.length} bytes: its header does not fit`);
  const count = blocks[at + 2]!;
  const escapes = blocks[at + 3]!;
  const size = HEADER + count + 2 * escapes;
  const padded = size + ((3 - (size % 3)) % 3);
  if (count === 0 || count > BLOCK_DOCUMENTS || escapes > count || at + padded > blocks.length) {
    throw new Error(`tf block at ${2 * at} of ${2 * blocks.length} bytes: header (${count}, ${escapes}) does not fit`);
  }
  return at + padded;
}

/** Dense per-doc_key sums, reused across searches; grows to the largest doc_key seen. */
let sums = new Float64Array(1 << 16);

/** Every scored document and its BM25 score, by doc_key. */
export interface Scored {
  keys: Int32Array;
  scores: Float64Array;
}

/** A document and its BM25 score. */
export interface Candidate {
  key: number;
  score: number;
}

/**
 * Adds each posting's contribution w·tf / (tf + c0 + c1·len) to its document in `sums`, the same
 * float8 arithmetic as the SQL statements (only the order of the additions differs; see
 * `ranksBefore`), with `lengths[doc_key]` as len, and returns the doc_key range [low, high] it
 * wrote to (high < low: none). The caller reads the sums back by a scan of that range and zeroes
 * it, before anything else runs: cheaper than tracking which documents were seen (a branch per
 * posting that mispredicts).
 */
function accumulate(terms: readonly ScoredTerm[], lengths: Uint32Array): { low: number; high: number } {
  // small integers throughout, so that V8 keeps the loops on integer arithmetic
  let low = 2 ** 30;
  let high = -1;
  for (const { weight, blocks } of terms) {
    // IDF is positive for any df ≤ N; a term that adds nothing must not make a document a hit
    if (!(weight > 0)) continue;
    for (let at = 0; at < blocks.length; at = blockEnd(blocks, at)) {
      const base = (blocks[at]! * 65536 + blocks[at + 1]!) * BLOCK_DOCUMENTS;
      low = Math.min(low, base);
      high = Math.max(high, base + BLOCK_DOCUMENTS - 1);
    }
  }
  if (high < 0) return { low: 0, high: -1 };
  if (high >= sums.length) sums = new Float64Array(Math.max(high + 1, sums.length * 2));
  // a length not known yet (a document written after the lengths were read) counts as 0
  const length = high < lengths.length ? lengths : growTo(lengths, high + 1);
  const dense = sums;
  try {
    addContributions(terms, length, dense);
  } catch (error) {
    // the sums are shared scratch: a block found broken halfway must not leak into the next search
    dense.fill(0, low, high + 1);
    throw error;
  }
  return { low, high };
}

function addContributions(terms: readonly ScoredTerm[], length: Uint32Array, dense: Float64Array): void {
  for (const { weight, c0, c1, blocks } of terms) {
    if (!(weight > 0)) continue;
    for (let at = 0; at < blocks.length; ) {
      const base = (blocks[at]! * 65536 + blocks[at + 1]!) * BLOCK_DOCUMENTS;
      const records = at + HEADER;
      const end = records + blocks[at + 2]!;
      if (blocks[at + 3] === 0) {
        for (let r = records; r < end; r += 1) {
          const record = blocks[r]!;
          const key = base + (record >> TF_BITS);
          const tf = record & TF_ESCAPE;
          dense[key] = dense[key]! + (weight * tf) / (tf + c0 + c1 * length[key]!);
        }
      } else {
        let nextEscape = end;
        for (let r = records; r < end; r += 1) {
          const record = blocks[r]!;
          const key = base + (record >> TF_BITS);
          let tf = record & TF_ESCAPE;
          if (tf === TF_ESCAPE) {
            tf = blocks[nextEscape]! * 65536 + blocks[nextEscape + 1]!;
            nextEscape += 2;
          }
          dense[key] = dense[key]! + (weight * tf) / (tf + c0 + c1 * length[key]!);
        }
        if (nextEscape !== end + 2 * blocks[at + 3]!) throw new Error(`tf block at ${2 * at}: its records and its ${blocks[at + 3]} escapes disagree`);
      }
      at = blockEnd(blocks, at);
    }
  }
}

function growTo(lengths: Uint32Array, size: number): Uint32Array {
  const grown = new Uint32Array(size);
  grown.set(lengths);
  return grown;
}

/**
 * The best `k` documents, best first (the unfiltered search). Picked in the one pass that zeroes
 * the sums: a document joins only when it ranks above the k-th so far, which after the first few
 * hundred is rare, so copying every scored document out first would cost more than the pick.
 */
export function topDocuments(terms: readonly ScoredTerm[], lengths: Uint32Array, k: number): Candidate[] {
  const { low, high } = accumulate(terms, lengths);
  const dense = sums;
  // the best so far, best first: float4 scores (the rank order), exact scores, doc_keys
  const rounded: number[] = [];
  const exact: number[] = [];
  const keys: number[] = [];
  // keys ascend, so a document tied with the k-th (to float4) ranks after it: strictly above
  let floor = Number.NEGATIVE_INFINITY;
  for (let key = low; key <= high; key += 1) {
    const score = dense[key]!;
    if (score === 0) continue;
    dense[key] = 0;
    const round = Math.fround(score);
    if (round <= floor) continue;
    let at = rounded.length;
    // later keys lose ties: insert after every equal score
    while (at > 0 && rounded[at - 1]! < round) at -= 1;
    rounded.splice(at, 0, round);
    exact.splice(at, 0, score);
    keys.splice(at, 0, key);
    if (rounded.length > k) {
      rounded.pop();
      exact.pop();
      keys.pop();
    }
    if (rounded.length === k) floor = rounded[k - 1]!;
  }
  return keys.map((key, index) => ({ key, score: exact[index]! }));
}

/** Every scored document (the filtered search, which may need more than k; see `rankedBatches`). */
export function allDocuments(terms: readonly ScoredTerm[], lengths: Uint32Array): Scored {
  const { low, high } = accumulate(terms, lengths);
  const dense = sums;
  let count = 0;
  for (let key = low; key <= high; key += 1) if (dense[key] !== 0) count += 1;
  const keys = new Int32Array(count);
  const scores = new Float64Array(count);
  let next = 0;
  for (let key = low; key <= high; key += 1) {
    const score = dense[key]!;
    if (score === 0) continue;
    keys[next] = key;
    scores[next] = score;
    next += 1;
    dense[key] = 0;
  }
  return { keys, scores };
}

/**
 * Rank order of the SQL statements: score to float4 precision descending, then doc_key. Scores
 * equal to ~7 digits are ties, so summing in another order never swaps two equal documents.
 */
function ranksBefore(scoreA: number, keyA: number, scoreB: number, keyB: number): boolean {
  return scoreA !== scoreB ? scoreA > scoreB : keyA < keyB;
}

/**
 * The documents in rank order, `first` of them at the first call, then growing batches (for
 * filtered searches that check candidates best first until enough pass). Each batch is picked
 * with a bounded heap, so a batch of n out of m candidates costs O(m log n), not a full sort.
 */
export function* rankedBatches(scored: Scored, first: number): Generator<Candidate[]> {
  const { keys, scores } = scored;
  const rounded = new Float32Array(scores); // float4 precision, as the SQL ranks
  const taken = new Uint8Array(keys.length);
  let remaining = keys.length;
  let size = Math.max(1, first);
  while (remaining > 0) {
    const picked = pickBest(keys, rounded, taken, Math.min(size, remaining));
    for (const index of picked) taken[index] = 1;
    remaining -= picked.length;
    yield picked.map((index) => ({ key: keys[index]!, score: scores[index]! }));
    size *= 4;
  }
}

/** Indexes of the n best not-yet-taken candidates, best first. */
function pickBest(keys: Int32Array, rounded: Float32Array, taken: Uint8Array, n: number): number[] {
  // min-heap on rank: heap[0] is the worst of the best n so far
  const heap: number[] = [];
  const worse = (a: number, b: number) => ranksBefore(rounded[b]!, keys[b]!, rounded[a]!, keys[a]!);
  const siftUp = (at: number) => {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!worse(heap[at]!, heap[parent]!)) break;
      [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
      at = parent;
    }
  };
  const siftDown = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const child = right < heap.length && worse(heap[right]!, heap[left]!) ? right : left;
      if (!worse(heap[child]!, heap[at]!)) return;
      [heap[at], heap[child]] = [heap[child]!, heap[at]!];
      at = child;
    }
  };
  for (let index = 0; index < keys.length; index += 1) {
    if (taken[index] === 1) continue;
    if (heap.length < n) {
      heap.push(index);
      siftUp(heap.length - 1);
      continue;
    }
    // most candidates rank below the worst kept one
    if (!worse(heap[0]!, index)) continue;
    heap[0] = index;
    siftDown(0);
  }
  return heap.sort((a, b) => (ranksBefore(rounded[a]!, keys[a]!, rounded[b]!, keys[b]!) ? -1 : 1));
}
