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

/** A word is a run of letters and digits (Unicode \p{L} and \p{N}). */
const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;
/** ASCII by table; other code points tested once each and remembered (a text repeats few of them). */
const ASCII_WORD = Uint8Array.from({ length: 128 }, (_, code) => (WORD_CHARACTER.test(String.fromCharCode(code)) ? 1 : 0));
const wordCodePoints = new Map<number, boolean>();

function isWordCodePoint(codePoint: number): boolean {
  let known = wordCodePoints.get(codePoint);
  if (known === undefined) {
    known = WORD_CHARACTER.test(String.fromCodePoint(codePoint));
    if (wordCodePoints.size < 65_536) wordCodePoints.set(codePoint, known);
  }
  return known;
}

export interface WordAt {
  word: string;
  start: number;
  end: number;
}

/**
 * The words of `text` with their offsets, as written or lower-cased: the same words as matching
 * /[\p{L}\p{N}]+/gu (a unit test compares them), scanned code point by code point: the regex
 * made an array per match. Snippets and re-rankers read every word of every hit through here;
 * Postgres snippets of ten 20,000-character hits took ~14 ms with the regex, ~6.7 ms with this.
 */
export function findWords(text: string, lowerCase = false): WordAt[] {
  const words: WordAt[] = [];
  const length = text.length;
  let start = -1;
  let index = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    let width = 1;
    let inWord: boolean;
    if (code < 128) inWord = ASCII_WORD[code] === 1;
    else {
      const codePoint = text.codePointAt(index)!;
      if (codePoint > 0xffff) width = 2;
      inWord = isWordCodePoint(codePoint);
    }
    if (inWord) {
      if (start === -1) start = index;
    } else if (start !== -1) {
      const word = text.slice(start, index);
      words.push({ word: lowerCase ? word.toLowerCase() : word, start, end: index });
      start = -1;
    }
    index += width;
  }
  if (start !== -1) {
    const word = text.slice(start, length);
    words.push({ word: lowerCase ? word.toLowerCase() : word, start, end: length });
  }
  return words;
}

/** The same words as findWords, without offsets (one regex call: no match objects to make). */
const WORD = /[\p{L}\p{N}]+/gu;

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
