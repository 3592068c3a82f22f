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

/** The number of the block whose header starts at `at`, after checking that the header fits. */
function blockNumber(blocks: Uint16Array, at: number): number {
  if (at + HEADER > blocks.length) throw new Error(`tf block at ${2 * at} of ${2 * blocks.length} bytes: its header does not fit`);
  return blocks[at]! * 65536 + blocks[at + 1]!;
}

/** Where the block at `at` ends (in uint16s), after checking that its header fits the data. */
function blockEnd(blocks: Uint16Array, at: number): number {
  const count = blocks[at + 2]!;
  const escapes = blocks[at + 3]!;
  const size = HEADER + count + 2 * escapes;
  const padded = size + ((3 - (size % 3)) % 3);
  if (count === 0 || count > BLOCK_DOCUMENTS || escapes > count || at + padded > blocks.length) {
    throw new Error(`tf block at ${2 * at} of ${2 * blocks.length} bytes: header (${count}, ${escapes}) does not fit`);
  }
  return at + padded;
}

/** The sums of one block's 1,024 documents, reused across searches (8 KB: they stay in the CPU's nearest cache). */
const blockSums = new Float64Array(BLOCK_DOCUMENTS);

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
 * Adds up BM25 one block of 1,024 documents at a time, over every query term's postings in that
 * block, then hands the block's sums to `visit`, which must read them and set them back to zero
 * before it returns; blocks come in doc_key order. The sums take 8 KB, where term by term over
 * the whole corpus they took 8 bytes per doc_key (8 MB at 1M documents), at the same speed
 * (measured at 1M: ~12 ms for ~850k postings either way). Each document's terms are still added
 * in query-term order, so every sum is the same float8 as before. Each posting adds
 * w·tf / (tf + c0 + c1·len), the SQL statements' arithmetic, with `lengths[doc_key]` as len.
 */
function scoreByBlock(terms: readonly ScoredTerm[], lengths: Uint32Array, visit: (base: number, sums: Float64Array) => void): void {
  // IDF is positive for any df ≤ N; a term that adds nothing must not make a document a hit
  const live = terms.filter((term) => term.weight > 0 && term.blocks.length > 0);
  const at = live.map(() => 0);
  const current = live.map((term) => blockNumber(term.blocks, 0));
  let length = lengths;
  try {
    for (let previous = -1; ; ) {
      let block = Number.POSITIVE_INFINITY;
      for (const next of current) if (next < block) block = next;
      if (block === Number.POSITIVE_INFINITY) return;
      if (block <= previous) throw new Error(`tf blocks out of order: block ${block} after ${previous}`);
      previous = block;
      const base = block * BLOCK_DOCUMENTS;
      // a length not known yet (a document written after the lengths were read) counts as 0
      if (base + BLOCK_DOCUMENTS > length.length) length = growTo(length, base + BLOCK_DOCUMENTS);
      for (let t = 0; t < live.length; t += 1) {
        if (current[t] !== block) continue;
        const term = live[t]!;
        const end = blockEnd(term.blocks, at[t]!);
        addBlock(term, at[t]!, base, length);
        at[t] = end;
        current[t] = end < term.blocks.length ? blockNumber(term.blocks, end) : Number.POSITIVE_INFINITY;
      }
      visit(base, blockSums);
    }
  } catch (error) {
    // the sums are shared scratch: a block found broken halfway must not leak into the next search
    blockSums.fill(0);
    throw error;
  }
}

/** Adds the postings of the block at `at` (whose header was checked) to `blockSums`. */
function addBlock({ weight, c0, c1, blocks }: ScoredTerm, at: number, base: number, length: Uint32Array): void {
  // small integers throughout, so that V8 keeps the loops on integer arithmetic
  const sums = blockSums;
  const records = at + HEADER;
  const end = records + blocks[at + 2]!;
  const escapes = blocks[at + 3]!;
  if (escapes === 0) {
    for (let r = records; r < end; r += 1) {
      const record = blocks[r]!;
      const offset = record >> TF_BITS;
      const tf = record & TF_ESCAPE;
      sums[offset] = sums[offset]! + (weight * tf) / (tf + c0 + c1 * length[base + offset]!);
    }
    return;
  }
  let nextEscape = end;
  for (let r = records; r < end; r += 1) {
    const record = blocks[r]!;
    const offset = record >> TF_BITS;
    let tf = record & TF_ESCAPE;
    if (tf === TF_ESCAPE) {
      tf = blocks[nextEscape]! * 65536 + blocks[nextEscape + 1]!;
      nextEscape += 2;
    }
    sums[offset] = sums[offset]! + (weight * tf) / (tf + c0 + c1 * length[base + offset]!);
  }
  if (nextEscape !== end + 2 * escapes) throw new Error(`tf block at ${2 * at}: its records and its ${escapes} escapes disagree`);
}

function growTo(lengths: Uint32Array, size: number): Uint32Array {
  const grown = new Uint32Array(size);
  grown.set(lengths);
  return grown;
}

/**
 * The best `k` documents, best first (the unfiltered search). Picked in the pass that zeroes each
 * block's sums: a document joins only when it ranks above the k-th so far, which after the first
 * few hundred is rare, so copying every scored document out first would cost more than the pick.
 */
export function topDocuments(terms: readonly ScoredTerm[], lengths: Uint32Array, k: number): Candidate[] {
  // the best so far, best first: float4 scores (the rank order), exact scores, doc_keys
  const rounded: number[] = [];
  const exact: number[] = [];
  const keys: number[] = [];
  // keys ascend, so a document tied with the k-th (to float4) ranks after it: strictly above.
  // Starts at 0: a document no term added to is no hit. Once k are kept, nearly every score falls
  // below it, a branch the CPU predicts; asking first whether a score is 0 was one it could not.
  let floor = 0;
  scoreByBlock(terms, lengths, (base, sums) => {
    // a local copy: the closure's variable would be read from memory on every document
    let below = floor;
    for (let offset = 0; offset < BLOCK_DOCUMENTS; offset += 1) {
      const score = sums[offset]!;
      // fround never rounds a score up past a float4 it is not above
      if (!(score > below)) continue;
      const round = Math.fround(score);
      if (round <= below) continue;
      let at = rounded.length;
      // later keys lose ties: insert after every equal score
      while (at > 0 && rounded[at - 1]! < round) at -= 1;
      rounded.splice(at, 0, round);
      exact.splice(at, 0, score);
      keys.splice(at, 0, base + offset);
      if (rounded.length > k) {
        rounded.pop();
        exact.pop();
        keys.pop();
      }
      if (rounded.length === k) below = rounded[k - 1]!;
    }
    floor = below;
    sums.fill(0);
  });
  return keys.map((key, index) => ({ key, score: exact[index]! }));
}

/** Every scored document (the filtered search, which may need more than k; see `rankedBatches`). */
export function allDocuments(terms: readonly ScoredTerm[], lengths: Uint32Array): Scored {
  const keys: number[] = [];
  const scores: number[] = [];
  scoreByBlock(terms, lengths, (base, sums) => {
    for (let offset = 0; offset < BLOCK_DOCUMENTS; offset += 1) {
      const score = sums[offset]!;
      if (score === 0) continue;
      keys.push(base + offset);
      scores.push(score);
    }
    sums.fill(0);
  });
  return { keys: Int32Array.from(keys), scores: Float64Array.from(scores) };
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
