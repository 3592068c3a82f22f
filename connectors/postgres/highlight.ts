// Builds the snippets of one result page: words of each hit, stemmed by Postgres in one round
// trip (cached), matched against the query's lexemes. A hit's words are found once per text
// while it is remembered (snippet.ts), and a query finds its own among them by prefix.
import type { LexemeCache } from './lexemes.js';
import { candidateWords, hitWords, snippetOfMatches } from './snippet.js';

export async function highlightHits(texts: readonly string[], queryLexemes: readonly string[], lexemes: LexemeCache, signal: AbortSignal): Promise<string[]> {
  const words = texts.map(hitWords);
  const query = new Set(queryLexemes);
  const candidates = new Set<string>();
  if (query.size > 0) for (const hit of words) for (const word of candidateWords(hit, queryLexemes)) candidates.add(word);
  const stems = candidates.size > 0 ? await lexemes.lexize([...candidates], signal) : new Map<string, readonly string[]>();
  // decided once per distinct candidate, not per occurrence
  const matching: string[] = [];
  for (const [word, wordLexemes] of stems) if (wordLexemes.some((lexeme) => query.has(lexeme))) matching.push(word);
  return texts.map((text, index) => {
    const { spans, positions } = words[index]!;
    const matched = new Uint8Array(spans.length);
    for (const word of matching) for (const at of positions.get(word) ?? []) matched[at] = 1;
    return snippetOfMatches(text, spans, matched);
  });
}
