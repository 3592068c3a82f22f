// Builds the snippets of one result page: words of each hit, stemmed by Postgres in one round
// trip (cached), matched against the query's lexemes.
import type { LexemeCache } from './lexemes.js';
import { buildSpanSnippet, candidateWords, wordSpans } from './snippet.js';

export async function highlightHits(texts: readonly string[], queryLexemes: readonly string[], lexemes: LexemeCache, signal: AbortSignal): Promise<string[]> {
  const spans = texts.map(wordSpans);
  const query = new Set(queryLexemes);
  const candidates = new Set<string>();
  if (query.size > 0) for (const list of spans) for (const word of candidateWords(list, queryLexemes)) candidates.add(word);
  const stems = candidates.size > 0 ? await lexemes.lexize([...candidates], signal) : new Map<string, readonly string[]>();
  // decided once per distinct candidate, not per occurrence
  const matching = new Set<string>();
  for (const [word, wordLexemes] of stems) if (wordLexemes.some((lexeme) => query.has(lexeme))) matching.add(word);
  return texts.map((text, index) => buildSpanSnippet(text, spans[index]!, (word) => matching.has(word)));
}
