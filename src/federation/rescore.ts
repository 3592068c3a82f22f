// Puts the hits of a source that cannot score with global statistics (no `usesGlobalStatistics`)
// on the shared BM25 scale: re-scored from their title and snippet with the shared analyser.
import { bm25TermScore, countTerms, globalTermWeights } from '../../connectors/contract/text/bm25.js';
import { analyzeTerm } from '../../connectors/contract/text/text-analysis.js';
import type { GlobalStatistics, SourceHit } from '../../connectors/contract/types.js';

const MARKERS = /\*\*/g;

/**
 * The same hits with BM25 scores from their visible text, in the source's order. A snippet is a
 * window around the matches, so lengths are normalised by the candidates' own mean, not the
 * federation's document length.
 */
export function rescoreFromText(hits: readonly SourceHit[], words: readonly string[], statistics: GlobalStatistics): SourceHit[] {
  if (hits.length === 0) return [];
  const counted = hits.map((hit) => countTerms(hit.title, hit.snippet.replace(MARKERS, '')));
  const averageLength = counted.reduce((sum, doc) => sum + doc.length, 0) / counted.length;
  const weights = globalTermWeights(words, (word) => analyzeTerm(word), statistics, {
    documentCount: counted.length,
    documentFrequency: (term) => counted.filter((doc) => doc.tfs.has(term)).length,
  });
  return hits.map((hit, index) => {
    const doc = counted[index]!;
    let score = 0;
    for (const [term, weight] of weights) score += bm25TermScore(weight, doc.tfs.get(term) ?? 0, doc.length, averageLength);
    return { ...hit, score };
  });
}
