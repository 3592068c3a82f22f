// Local BM25 over the candidate pages a search fetched: core's database search returns matches in
// no relevance order, so ranking happens here, with the wiki's own hit counts as document frequency.
import { bm25TermScore, countTerms, globalTermWeights } from '../contract/text/bm25.js';
import { analyzeQuery, analyzeTerm, findWords } from '../contract/text/text-analysis.js';
import type { GlobalStatistics } from '../contract/types.js';

export interface RerankDocument {
  key: string;
  title: string;
  text: string;
}

export interface RerankOptions {
  /** Pages in the wiki (N of the IDF). */
  totalDocuments: number;
  /** Document frequency per stem when the wiki told us (totalhits of a one-term search). */
  knownDf: ReadonlyMap<string, number>;
  k1?: number;
  b?: number;
  /** A title word counts as this many body words. */
  titleWeight?: number;
}

export function idf(totalDocuments: number, df: number): number {
  const n = Math.max(totalDocuments, df, 1);
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function termFrequencies(doc: RerankDocument, titleWeight: number): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  let length = 0;
  const add = (text: string, weight: number): void => {
    for (const { word } of findWords(text)) {
      length += weight;
      const term = analyzeTerm(word);
      if (term !== null) tf.set(term, (tf.get(term) ?? 0) + weight);
    }
  };
  add(doc.title, titleWeight);
  add(doc.text, 1);
  return { tf, length };
}

/**
 * BM25 scores of `docs` for the query `stems`, best first. A stem whose document frequency the
 * wiki did not report is given one from the candidates, scaled to the wiki: candidates were
 * chosen for other terms, so their share is a fair guess for this one.
 */
export function rankByBm25(docs: readonly RerankDocument[], stems: readonly string[], options: RerankOptions): Array<{ key: string; score: number }> {
  const k1 = options.k1 ?? 0.9;
  const b = options.b ?? 0.4;
  const analysed = docs.map((doc) => ({ key: doc.key, ...termFrequencies(doc, options.titleWeight ?? 1) }));
  const averageLength = analysed.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, analysed.length) || 1;
  const weights = new Map<string, number>();
  for (const stem of stems) {
    const inCandidates = analysed.filter((doc) => doc.tf.has(stem)).length;
    const estimated = Math.round((inCandidates / Math.max(1, analysed.length)) * options.totalDocuments);
    const df = options.knownDf.get(stem) ?? Math.max(inCandidates, estimated);
    weights.set(stem, idf(options.totalDocuments, df));
  }
  return analysed
    .map(({ key, tf, length }) => {
      let score = 0;
      for (const [stem, weight] of weights) {
        const f = tf.get(stem) ?? 0;
        if (f > 0) score += (weight * f * (k1 + 1)) / (f + k1 * (1 - b + (b * length) / averageLength));
      }
      return { key, score };
    })
    .sort((x, y) => y.score - x.score);
}

/**
 * BM25 of `docs` with the federation's shared parameters and global statistics (issue 17), best
 * first, so the wiki's scores compare with other sources'. Lengths are normalised by the
 * candidates' mean (the wiki does not report its own); a word without a global count takes its
 * share among the candidates, scaled to the federation.
 */
export function rankWithGlobalStatistics(docs: readonly RerankDocument[], query: string, statistics: GlobalStatistics): Array<{ key: string; score: number }> {
  const counted = docs.map((doc) => ({ key: doc.key, ...countTerms(doc.title, doc.text) }));
  const averageLength = counted.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, counted.length);
  const weights = globalTermWeights(analyzeQuery(query, { stem: false }), (word) => analyzeTerm(word), statistics, {
    documentCount: Math.max(1, counted.length),
    documentFrequency: (term) => counted.filter((doc) => doc.tfs.has(term)).length,
  });
  return counted
    .map(({ key, tfs, length }) => {
      let score = 0;
      for (const [term, weight] of weights) score += bm25TermScore(weight, tfs.get(term) ?? 0, length, averageLength);
      return { key, score };
    })
    .sort((x, y) => y.score - x.score);
}
