// Every document's BM25 length, by doc_key, held by the connector so that a tf block's posting
// needs no length of its own (migrations/006_tf_blocks.sql). The block statement brings the
// length blocks written since the generation held here, read in the same snapshot as the tf
// blocks, so a search never pairs a posting with a length from another state of the source.

import { BLOCK_DOCUMENTS } from './block-scores.js';

/** A length block: the block (uint32), 1,024, then a uint32 length per doc_key, big-endian. */
const BLOCK_BYTES = 8 + 4 * BLOCK_DOCUMENTS;

/** What the block statement says of the lengths (see `buildBlockSearchSql`). */
export interface LengthsUpdate {
  /** The length_blocks table's oid: another one means the schema was made again, and the lengths held are void. */
  table: number;
  /** The source's generation in the statement's snapshot. */
  generation: number;
  /** The length blocks written after the generation held (all of them for another table), in base64; null: none. */
  blocks: string | null;
}

export class DocumentLengths {
  #lengths = new Uint32Array(0);
  #table = -1;
  #generation = -1;

  /** The statement's parameters: the table and generation the lengths held are of (-1: none). */
  get held(): [table: number, generation: number] {
    return [this.#table, this.#generation];
  }

  /** Lengths by doc_key; 0 for a doc_key not seen. */
  get lengths(): Uint32Array {
    return this.#lengths;
  }

  /**
   * Takes in what a search's statement read. A reply from before the generation held (a search
   * that started earlier and finished later) brings nothing new and is left out: applying it
   * would put older lengths back. That search then scores its postings with the newer lengths,
   * which differ only for documents re-ingested in between, and only while an ingest runs.
   */
  update(update: LengthsUpdate): void {
    if (update.table !== this.#table) {
      this.#lengths = new Uint32Array(this.#lengths.length);
      this.#table = update.table;
      this.#generation = -1;
    }
    if (update.generation <= this.#generation) return;
    if (update.blocks !== null) this.#apply(update.blocks);
    this.#generation = update.generation;
  }

  #apply(encoded: string): void {
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length % BLOCK_BYTES !== 0) throw new Error(`length blocks: ${bytes.length} bytes is not a whole number of ${BLOCK_BYTES}-byte blocks`);
    bytes.swap32();
    // Buffer.from aligns small buffers in its shared pool to 8 bytes and gives large ones their own
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
    let highest = -1;
    for (let at = 0; at < words.length; at += BLOCK_BYTES / 4) {
      if (words[at + 1] !== BLOCK_DOCUMENTS) throw new Error(`length block at byte ${4 * at}: expected ${BLOCK_DOCUMENTS} slots, found ${words[at + 1]}`);
      highest = Math.max(highest, words[at]!);
    }
    const needed = (highest + 1) * BLOCK_DOCUMENTS;
    if (needed > this.#lengths.length) {
      const grown = new Uint32Array(Math.max(needed, 2 * this.#lengths.length));
      grown.set(this.#lengths);
      this.#lengths = grown;
    }
    for (let at = 0; at < words.length; at += BLOCK_BYTES / 4) {
      this.#lengths.set(words.subarray(at + 2, at + BLOCK_BYTES / 4), words[at]! * BLOCK_DOCUMENTS);
    }
  }
}
