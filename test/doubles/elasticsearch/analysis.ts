// Text analysis of the Elasticsearch double: the `standard` analyzer (lower-cased word tokens)
// and a small approximation of `english` (stop words and a light suffix stemmer).

export type AnalyzerName = 'standard' | 'english' | 'keyword';

const ENGLISH_STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Word tokens with their offsets, as the highlighter needs them. */
export function wordTokens(text: string): Array<{ word: string; start: number; end: number }> {
  const tokens: Array<{ word: string; start: number; end: number }> = [];
  for (const match of text.matchAll(WORD)) {
    tokens.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** One analysed term for one word, or null when the analyzer drops it (a stop word). */
export function analyzeWord(word: string, analyzer: AnalyzerName): string | null {
  const lower = word.toLowerCase().replace(/['’]s$/u, '');
  if (analyzer !== 'english') return lower;
  if (ENGLISH_STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

export function analyze(text: string, analyzer: AnalyzerName): string[] {
  if (analyzer === 'keyword') return [text];
  const terms: string[] = [];
  for (const { word } of wordTokens(text)) {
    const term = analyzeWord(word, analyzer);
    if (term !== null) terms.push(term);
  }
  return terms;
}

/** A few of Porter's step-1 rules: enough that "cells" finds "cell" and "running" finds "run". */
function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = `${w.slice(0, -3)}i`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed')) w = undouble(w.slice(0, -2));
  if (w.endsWith('y') && w.length > 3) w = `${w.slice(0, -1)}i`;
  return w;
}

function undouble(word: string): string {
  return /([^aeiouslz])\1$/.test(word) ? word.slice(0, -1) : word;
}
