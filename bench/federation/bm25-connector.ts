// An in-memory BM25 source over a slice of a corpus (k1 0.9, b 0.4, lower-cased alphanumeric
// tokens, no stemming), with its own statistics like a real independent engine.
import type { Connector, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../../connectors/contract/types.js';
import type { CorpusDoc } from './scifact.js';

const K1 = 0.9;
const B = 0.4;

function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export class Bm25Connector implements Connector {
  readonly kind = 'bm25-bench';
  readonly description: string;
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly lengths: Float64Array;
  private readonly averageLength: number;
  private readonly scores: Float64Array;

  constructor(
    readonly name: string,
    private readonly docs: readonly CorpusDoc[],
  ) {
    this.description = `BM25 over ${docs.length} SciFact abstracts`;
    this.lengths = new Float64Array(docs.length);
    this.scores = new Float64Array(docs.length);
    docs.forEach((doc, index) => {
      const tokens = tokenize(`${doc.title} ${doc.text}`);
      this.lengths[index] = tokens.length;
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let posting = this.postings.get(term);
        if (!posting) {
          posting = { docs: [], tfs: [] };
          this.postings.set(term, posting);
        }
        posting.docs.push(index);
        posting.tfs.push(tf);
      }
    });
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, docs.length);
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    request.signal.throwIfAborted();
    const scores = this.scores;
    scores.fill(0);
    const touched: number[] = [];
    const n = this.docs.length;
    for (const term of tokenize(request.query)) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const df = posting.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      posting.docs.forEach((doc, index) => {
        const tf = posting.tfs[index]!;
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]!) / this.averageLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (idf * tf * (K1 + 1)) / norm;
      });
    }
    touched.sort((a, b) => scores[b]! - scores[a]! || a - b);
    return touched.slice(0, request.limit).map((index) => {
      const doc = this.docs[index]!;
      return { nativeId: doc.id, title: doc.title, snippet: doc.text.slice(0, 120), url: null, score: scores[index]!, updatedAt: null };
    });
  }

  async get(nativeId: string): Promise<SourceDocument | null> {
    const doc = this.docs.find((candidate) => candidate.id === nativeId);
    return doc ? { nativeId: doc.id, title: doc.title, url: null, updatedAt: null, content: doc.text, metadata: {} } : null;
  }

  async health(): Promise<SourceHealth> {
    return { ok: true, documentCount: this.docs.length };
  }

  async close(): Promise<void> {}
}
