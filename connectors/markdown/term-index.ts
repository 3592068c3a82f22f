// The markdown source's own postings, kept beside MiniSearch: BM25 with the federation's shared
// parameters and global statistics (issue 17) needs term frequencies, lengths and document
// frequencies it can weigh itself, which MiniSearch's BM25+ does not expose.
import { bm25TermScore, countTerms } from '../contract/text/bm25.js';

export class TermIndex {
  readonly #postings = new Map<string, Map<string, number>>();
  readonly #documents = new Map<string, { terms: string[]; length: number }>();
  #totalLength = 0;

  constructor(private readonly stem: boolean) {}

  get documentCount(): number {
    return this.#documents.size;
  }

  get averageLength(): number {
    return this.#documents.size === 0 ? 0 : this.#totalLength / this.#documents.size;
  }

  documentFrequency(term: string): number {
    return this.#postings.get(term)?.size ?? 0;
  }

  add(id: string, title: string, text: string): void {
    this.remove(id);
    const { tfs, length } = countTerms(title, text, { stem: this.stem });
    for (const [term, tf] of tfs) {
      const posting = this.#postings.get(term);
      if (posting === undefined) this.#postings.set(term, new Map([[id, tf]]));
      else posting.set(id, tf);
    }
    this.#documents.set(id, { terms: [...tfs.keys()], length });
    this.#totalLength += length;
  }

  remove(id: string): void {
    const document = this.#documents.get(id);
    if (document === undefined) return;
    for (const term of document.terms) {
      const posting = this.#postings.get(term);
      posting?.delete(id);
      if (posting?.size === 0) this.#postings.delete(term);
    }
    this.#documents.delete(id);
    this.#totalLength -= document.length;
  }

  /** Documents matching any weighted term, best first (ties by id), with BM25 against `averageLength`. */
  search(weights: ReadonlyMap<string, number>, averageLength: number, accept: (id: string) => boolean): Array<{ id: string; score: number }> {
    const scores = new Map<string, number>();
    for (const [term, weight] of weights) {
      const posting = this.#postings.get(term);
      if (posting === undefined) continue;
      for (const [id, tf] of posting) {
        const length = this.#documents.get(id)?.length ?? 0;
        scores.set(id, (scores.get(id) ?? 0) + bm25TermScore(weight, tf, length, averageLength));
      }
    }
    return [...scores]
      .filter(([id]) => accept(id))
      .map(([id, score]) => ({ id, score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
