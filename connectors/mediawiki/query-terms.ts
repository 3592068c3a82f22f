// Turns the user's text into wiki search strings that carry no search syntax at all, and ranks
// its words by how informative they probably are (core's search ANDs everything it is given).
import { analyzeTerm, foldTerm, isStopWord, findWords } from '../contract/text/text-analysis.js';

export interface QueryTerm {
  /** The folded word as written by the user (what an exact search matches). */
  word: string;
  /** The stemmed index term the local re-ranker and the snippet use. */
  stem: string;
  /** Syntax-free search text for this word: the word, or its stem prefix with `*` (see below). */
  searchText: string;
  /** Higher = probably rarer in the wiki, so a better single-term probe. */
  informativeness: number;
}

/** CirrusSearch refuses queries over 300 characters; core's search is happy with less too. */
const MAX_SEARCH_CHARS = 280;
const MAX_TERMS = 32;
// Shorter stem prefixes match too much of the wiki to be worth a wildcard.
const MIN_PREFIX = 4;

/**
 * The user's text as plain search words: every character that means something to CirrusSearch
 * or to core's database search (quotes, `*`, `?`, `~`, `-`/`!`/`+` prefixes, `:` keywords such as
 * `intitle:`, parentheses, `AND`/`OR`/`NOT` operators) is dropped, words are lower-cased (which
 * turns operators into plain words) and joined by single spaces. Bounded in length.
 */
export function escapeSearchText(text: string): string {
  let out = '';
  for (const { word } of findWords(text)) {
    const folded = word.toLowerCase();
    if (out.length + folded.length + 1 > MAX_SEARCH_CHARS) break;
    out = out === '' ? folded : `${out} ${folded}`;
  }
  return out;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * Search text for one folded word. With `prefixes`, a word whose stem is a shorter prefix is
 * searched as `prefix*` so that core's search, which has no stemming, still finds "inducing"
 * for "induction". The prefix consists of letters and digits only, so no user syntax survives.
 */
export function wordSearchText(lowerCased: string, stem: string, prefixes: boolean): string {
  const safe = escapeSearchText(lowerCased).replace(/ /g, '');
  if (!prefixes) return safe;
  const prefix = commonPrefix(safe, stem);
  return prefix.length >= MIN_PREFIX && prefix.length < safe.length ? `${prefix}*` : safe;
}

function informativeness(written: string, folded: string): number {
  let score = Math.min(folded.length, 12);
  if (/\d/.test(folded) && /\p{L}/u.test(folded))
    score += 4; // gene names, versions: IL6, ipv6
  else if (/^\d+$/.test(folded)) score -= 4; // bare numbers are everywhere
  if (/\p{Lu}.*\p{Lu}/u.test(written)) score += 3; // acronyms: PrP, TLS, CRISPR
  return score;
}

/** The distinct terms of a query (by stem), stop words dropped unless nothing else is left. */
export function analyzeSearchQuery(query: string, options: { prefixes: boolean }): QueryTerm[] {
  const words = [...findWords(query)].map(({ word }) => word);
  const keep = words.some((word) => !isStopWord(foldTerm(word))) ? words.filter((word) => !isStopWord(foldTerm(word))) : words;
  const terms: QueryTerm[] = [];
  for (const written of keep) {
    const folded = foldTerm(written);
    const stem = analyzeTerm(written) ?? folded;
    if (folded === '' || terms.some((term) => term.stem === stem)) continue;
    terms.push({
      word: folded,
      stem,
      // The wiki indexes words as written (accents kept), so search with the lower-cased original.
      searchText: wordSearchText(written.toLowerCase(), stem, options.prefixes),
      informativeness: informativeness(written, folded),
    });
    if (terms.length >= MAX_TERMS) break;
  }
  return terms.filter((term) => term.searchText !== '');
}

/** The AND of several terms as one search string, within the length bound. */
export function joinSearchTexts(terms: readonly QueryTerm[]): string {
  let out = '';
  for (const term of terms) {
    if (out.length + term.searchText.length + 1 > MAX_SEARCH_CHARS) break;
    out = out === '' ? term.searchText : `${out} ${term.searchText}`;
  }
  return out;
}
