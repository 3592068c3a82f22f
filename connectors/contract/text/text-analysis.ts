// Turns text into index terms (tokenise, fold case and accents, drop stop words, stem) so that
// the in-process indexes, re-rankers and snippet highlighters of the markdown, MediaWiki and
// Confluence connectors agree.
import { stemmer } from 'stemmer';

// Common English function words: they add noise to BM25 and ugly bold to snippets.
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it ' +
    'its me my no not of on or our she so than that the their them then there these they this those to was we were ' +
    'what when where which who whom why will with would you your'
  ).split(' '),
);

/** Splits on anything that is not a letter, a digit or an inner apostrophe-free word joiner. */
const WORD = /[\p{L}\p{N}]+/gu;

/** The words of `text`, as written, with their offsets (used to highlight the original text). */
export function* iterateWords(text: string): Generator<{ word: string; start: number; end: number }> {
  for (const match of text.matchAll(WORD)) {
    yield { word: match[0], start: match.index, end: match.index + match[0].length };
  }
}

/** The raw words of `text` (for tokenizer hooks that expect a list). */
export function tokenizeText(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Lower-case, accents removed ("Café" → "cafe"). */
export function foldTerm(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

export function isStopWord(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

/**
 * Porter (1980) stemming through `stemmer` (tested against Porter's own 23,531-word vocabulary):
 * "policies" finds "policy", "rotating" finds "rotation". Callers fold first; words with digits
 * or letters outside a–z (after folding) are kept as written, since the algorithm is English-only.
 */
export function stemEnglish(folded: string): string {
  return folded.length <= 2 || !/^[a-z]+$/.test(folded) ? folded : stemmer(folded);
}

// Folding (Unicode normalisation) and stemming the same words again and again dominated indexing
// and, worse, every search: snippets analyse each word of every hit. Remembered per written word
// (a bounded memo per stemming mode), a repeated word costs one map lookup.
const TERM_CACHE_MAX = 100_000;
const stemmedTerms = new Map<string, string | null>();
const exactTerms = new Map<string, string | null>();

function analyzeUncached(word: string, stem: boolean): string | null {
  const folded = foldTerm(word);
  if (folded.length === 0 || STOP_WORDS.has(folded)) return null;
  return stem ? stemEnglish(folded) : folded;
}

/**
 * The index term for one word, or null for a stop word. Stemming is on by default; pass
 * `{ stem: false }` to keep exact forms.
 */
export function analyzeTerm(word: string, options?: { stem?: boolean }): string | null {
  const stem = options?.stem !== false;
  const cache = stem ? stemmedTerms : exactTerms;
  let term = cache.get(word);
  if (term === undefined) {
    term = analyzeUncached(word, stem);
    if (cache.size >= TERM_CACHE_MAX) cache.clear();
    cache.set(word, term);
  }
  return term;
}

/** The distinct index terms of a query, in order of first appearance. */
export function analyzeQuery(query: string, options: { stem?: boolean } = {}): string[] {
  const terms: string[] = [];
  for (const word of tokenizeText(query)) {
    const term = analyzeTerm(word, options);
    if (term !== null && !terms.includes(term)) terms.push(term);
  }
  return terms;
}
