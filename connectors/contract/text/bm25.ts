// BM25 with the federation's shared parameters (SHARED_BM25) and global statistics: the pieces
// every in-process scorer uses (markdown index, the federation's re-scoring of wiki hits).
import { type GlobalStatistics, SHARED_BM25 } from '../types.js';
import { analyzeTerm, tokenizeText } from './text-analysis.js';

/** Lucene's non-negative IDF, ln(1 + (N − df + 0.5) / (df + 0.5)). */
export function bm25Idf(documentCount: number, documentFrequency: number): number {
  const df = Math.min(Math.max(documentFrequency, 0), documentCount);
  return Math.log(1 + (documentCount - df + 0.5) / (df + 0.5));
}

/** One term's contribution for a document of `length` with the term `tf` times. */
export function bm25TermScore(idf: number, tf: number, length: number, averageLength: number): number {
  if (tf <= 0) return 0;
  const { k1, b } = SHARED_BM25;
  const norm = k1 * (1 - b + (b * length) / Math.max(averageLength, 1));
  return (idf * tf * (k1 + 1)) / (tf + norm);
}

/**
 * The weight (IDF × query frequency) of each index term of a query, from global statistics: a
 * term takes the document frequency of the query word it comes from; a word without one takes
 * the local document frequency scaled to the federation's size (local share × global count).
 * Two words with one term ("cell cells") count twice, as Postgres' query vector counts them.
 */
export function globalTermWeights(
  words: readonly string[],
  toTerm: (word: string) => string | null,
  statistics: GlobalStatistics,
  local: { documentCount: number; documentFrequency: (term: string) => number },
): Map<string, number> {
  const idfs = new Map<string, number>();
  const n = statistics.documentCount;
  for (const word of words) {
    const term = toTerm(word);
    if (term === null) continue;
    const given = statistics.documentFrequencies[word];
    const df = given ?? (local.documentFrequency(term) * n) / Math.max(local.documentCount, 1);
    idfs.set(term, (idfs.get(term) ?? 0) + bm25Idf(n, df));
  }
  return idfs;
}

/** Term frequencies (title counted `SHARED_BM25.titleWeight` times) and length of a text, by the shared analyser. */
export function countTerms(title: string, body: string, options: { stem?: boolean } = {}): { tfs: Map<string, number>; length: number } {
  const tfs = new Map<string, number>();
  let length = 0;
  const add = (text: string, weight: number) => {
    for (const word of tokenizeText(text)) {
      const term = analyzeTerm(word, options);
      if (term === null) continue;
      length += 1;
      tfs.set(term, (tfs.get(term) ?? 0) + weight);
    }
  };
  add(title, SHARED_BM25.titleWeight);
  add(body, 1);
  return { tfs, length };
}
