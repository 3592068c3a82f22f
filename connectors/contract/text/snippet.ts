// Picks the passage of a document that best covers the query and bolds the matched words,
// so the markdown, MediaWiki and Confluence connectors return snippets in the contract's `**term**` form.
import { analyzeTerm, findWords } from './text-analysis.js';
import { TextMemo } from './text-memo.js';

export interface SnippetOptions {
  /** Longest snippet, in characters, before ellipses are added. Default 240. */
  maxChars?: number;
  /** Maps a written word to its index term (null = never matches). Default: `analyzeTerm`. */
  analyze?: (word: string) => string | null;
}

interface Hit {
  term: string;
  start: number;
  end: number;
}

/** The window start (index into hits) that covers the most distinct terms within `span`. */
function bestWindow(hits: Hit[], span: number): number {
  let best = 0;
  let bestDistinct = 0;
  let bestCount = 0;
  const counts = new Map<string, number>();
  let right = 0;
  for (let left = 0; left < hits.length; left++) {
    const first = hits[left] as Hit;
    while (right < hits.length && (hits[right] as Hit).end - first.start <= span) {
      const term = (hits[right] as Hit).term;
      counts.set(term, (counts.get(term) ?? 0) + 1);
      right++;
    }
    const count = right - left;
    if (counts.size > bestDistinct || (counts.size === bestDistinct && count > bestCount)) {
      best = left;
      bestDistinct = counts.size;
      bestCount = count;
    }
    const remaining = (counts.get(first.term) ?? 1) - 1;
    if (remaining === 0) counts.delete(first.term);
    else counts.set(first.term, remaining);
  }
  return best;
}

/** A text with its whitespace collapsed, and the index term and offsets of each of its words. */
interface AnalyzedText {
  clean: string;
  terms: Array<string | null>;
  starts: Int32Array;
  ends: Int32Array;
  /** term → the indices of its words, ascending: a search finds its matches without a pass over every word. */
  positions: Map<string, number[]>;
}

/**
 * Texts analysed for snippets, per analyser, each memo bounded by its total number of words.
 * Tokenising and analysing every word of every hit was most of an uncached search's time in the
 * markdown connector; now a repeated text costs one lookup and a pass over its terms.
 */
const MAX_ANALYZED_WORDS = 250_000;
const analyzedTexts = new WeakMap<(word: string) => string | null, TextMemo<AnalyzedText>>();

function analyzeText(text: string, analyze: (word: string) => string | null): AnalyzedText {
  let memo = analyzedTexts.get(analyze);
  if (memo === undefined) {
    memo = new TextMemo(MAX_ANALYZED_WORDS);
    analyzedTexts.set(analyze, memo);
  }
  return memo.get(text, (fresh) => {
    const analyzed = analyzeFresh(fresh, analyze);
    return { value: analyzed, weight: analyzed.terms.length };
  });
}

function analyzeFresh(text: string, analyze: (word: string) => string | null): AnalyzedText {
  const clean = text.replace(/\s+/g, ' ').trim();
  const terms: Array<string | null> = [];
  const offsets: number[] = [];
  for (const { word, start, end } of findWords(clean)) {
    terms.push(analyze(word));
    offsets.push(start, end);
  }
  const starts = new Int32Array(terms.length);
  const ends = new Int32Array(terms.length);
  const positions = new Map<string, number[]>();
  for (let i = 0; i < terms.length; i += 1) {
    starts[i] = offsets[2 * i]!;
    ends[i] = offsets[2 * i + 1]!;
    const term = terms[i];
    if (term === null || term === undefined) continue;
    const list = positions.get(term);
    if (list === undefined) positions.set(term, [i]);
    else list.push(i);
  }
  return { clean, terms, starts, ends, positions };
}

/**
 * A snippet of plain `text` around the densest cluster of query terms, matched words bolded,
 * cut at word boundaries with `…` where text was left out. Without matches: the opening.
 */
export function buildTermSnippet(text: string, terms: ReadonlySet<string>, options: SnippetOptions = {}): string {
  const maxChars = options.maxChars ?? 240;
  const analyze = options.analyze ?? analyzeTerm;
  const analyzed = analyzeText(text, analyze);
  const clean = analyzed.clean;
  if (clean.length === 0) return '';

  // the matched words in text order: each query term's positions, merged
  const matched: number[] = [];
  let termsFound = 0;
  for (const term of terms) {
    const list = analyzed.positions.get(term);
    if (list === undefined) continue;
    termsFound += 1;
    for (const index of list) matched.push(index);
  }
  if (termsFound > 1) matched.sort((a, b) => a - b);
  const hits: Hit[] = matched.map((index) => ({ term: analyzed.terms[index]!, start: analyzed.starts[index]!, end: analyzed.ends[index]! }));

  let start = 0;
  if (hits.length > 0) {
    const first = hits[bestWindow(hits, Math.floor(maxChars * 0.8))] as Hit;
    // Some words of context before the first hit read better than starting mid-thought.
    const lead = Math.min(Math.floor(maxChars * 0.2), first.start);
    start = first.start - lead;
    if (start > 0) {
      const space = clean.indexOf(' ', start);
      start = space === -1 || space >= first.start ? first.start : space + 1;
    }
  }
  let end = Math.min(clean.length, start + maxChars);
  if (end < clean.length) {
    const space = clean.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const body = highlightWindow(analyzed, start, end, terms, analyze);
  return `${start > 0 ? '…' : ''}${body}${end < clean.length ? '…' : ''}`;
}

/** The index of the first word of `analyzed` that starts at or after `offset`. */
function firstWordAtOrAfter(analyzed: AnalyzedText, offset: number): number {
  let low = 0;
  let high = analyzed.starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (analyzed.starts[middle]! < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The window `clean[start, end)`, trimmed, with every word whose index term is in `terms` wrapped
 * in `**…**`, from the terms the whole text already has: the window's words are not found and
 * analysed a second time. A word the window cuts (no space to end on) is analysed as cut.
 */
function highlightWindow(analyzed: AnalyzedText, start: number, end: number, terms: ReadonlySet<string>, analyze: (word: string) => string | null): string {
  const { clean } = analyzed;
  while (start < end && clean.charCodeAt(start) === 32) start += 1;
  while (end > start && clean.charCodeAt(end - 1) === 32) end -= 1;
  let out = '';
  let last = start;
  for (let i = firstWordAtOrAfter(analyzed, start); i < analyzed.starts.length && analyzed.starts[i]! < end; i += 1) {
    const wordStart = analyzed.starts[i]!;
    const wordEnd = Math.min(analyzed.ends[i]!, end);
    const term = wordEnd === analyzed.ends[i] ? analyzed.terms[i] : analyze(clean.slice(wordStart, wordEnd));
    if (term === null || term === undefined || !terms.has(term)) continue;
    out += `${clean.slice(last, wordStart)}**${clean.slice(wordStart, wordEnd)}**`;
    last = wordEnd;
  }
  return out + clean.slice(last, end);
}
