// Snippets without ts_headline (which re-parses every hit's whole text: ~0.3 ms a document on
// a server, several ms in PGlite). The words of a hit are found here; which of them match the
// query is decided by Postgres's own stemmer (lexizeWords), so highlights agree with ranking.
import { findWords, type WordAt } from '../contract/text/text-analysis.js';
import { TextMemo } from '../contract/text/text-memo.js';

/** A word of a hit, lower-cased, with its offsets. */
export type WordSpan = WordAt;

const SNIPPET_WORDS = 32;
const MAX_SNIPPET_CHARS = 400;

/** The words of `text` (the connectors' one word scanner), lower-cased, with their offsets. */
export function wordSpans(text: string): WordSpan[] {
  return findWords(text, true);
}

/** A hit's words, and how a query finds its own among them without a pass over every word. */
export interface HitWords {
  spans: WordSpan[];
  /** Each distinct word → the indices of its spans, ascending. */
  positions: Map<string, number[]>;
  /** The first three letters (the word itself when shorter) → the distinct words of at most 64 characters that start so. */
  byPrefix: Map<string, string[]>;
}

/** Hits' words, remembered by text up to this many words in all (a few MB). */
const MAX_REMEMBERED_WORDS = 100_000;
const rememberedHits = new TextMemo<HitWords>(MAX_REMEMBERED_WORDS);

/** `text`'s words, found once per text while it is remembered (the same pages match search after search). */
export function hitWords(text: string): HitWords {
  return rememberedHits.get(text, (fresh) => {
    const words = findHitWords(fresh);
    return { value: words, weight: words.spans.length };
  });
}

function findHitWords(text: string): HitWords {
  const spans = wordSpans(text);
  const positions = new Map<string, number[]>();
  const byPrefix = new Map<string, string[]>();
  for (let i = 0; i < spans.length; i += 1) {
    const { word } = spans[i]!;
    const list = positions.get(word);
    if (list !== undefined) {
      list.push(i);
      continue;
    }
    positions.set(word, [i]);
    if (word.length > 64) continue;
    const prefix = word.slice(0, 3);
    const sharing = byPrefix.get(prefix);
    if (sharing === undefined) byPrefix.set(prefix, [word]);
    else sharing.push(word);
  }
  return { spans, positions, byPrefix };
}

/**
 * Distinct words that might stem to one of `lexemes` (same first three letters, or equal when
 * shorter): only these are sent to Postgres to be stemmed.
 */
export function candidateWords(words: HitWords, lexemes: readonly string[]): string[] {
  const prefixes = new Set(lexemes.map((lexeme) => lexeme.slice(0, 3)));
  const out: string[] = [];
  for (const prefix of prefixes) {
    const sharing = words.byPrefix.get(prefix);
    if (sharing !== undefined) out.push(...sharing);
  }
  return out;
}

function clean(text: string): string {
  // Markdown emphasis in the source would be confused with our ** markers.
  return text.replace(/\*+/g, '').replace(/\s+/g, ' ');
}

/**
 * The window of about SNIPPET_WORDS words holding the most distinct matched words (then the
 * most matches; `matched[i]` is 1 where span i matched), matched words wrapped in **…**, "…"
 * where the text was cut. No match → the start.
 */
export function snippetOfMatches(text: string, spans: readonly WordSpan[], matched: Uint8Array): string {
  if (spans.length === 0) return clean(text).trim().slice(0, MAX_SNIPPET_CHARS);
  let best = 0;
  let bestKey = -1;
  const width = Math.min(SNIPPET_WORDS, spans.length);
  for (let first = 0; first + width <= spans.length; first += 1) {
    if (first > 0 && !matched[first]) continue; // a best window starts on a match (or at the start)
    const distinct = new Set<string>();
    let count = 0;
    for (let i = first; i < first + width; i += 1) {
      if (matched[i]) {
        distinct.add(spans[i]!.word);
        count += 1;
      }
    }
    const key = distinct.size * 1000 + count;
    if (key > bestKey) {
      bestKey = key;
      best = first;
    }
  }
  // Start a few words before the first match so it reads in context.
  const start = bestKey > 0 ? Math.max(0, best - 4) : 0;
  const end = Math.min(spans.length, start + width);
  let out = start > 0 ? '… ' : '';
  let cursor = spans[start]!.start;
  for (let i = start; i < end; i += 1) {
    const span = spans[i]!;
    const gap = text.slice(cursor, span.start);
    out += gap === ' ' ? gap : clean(gap);
    // a word is letters and digits only: nothing in it for clean() to change
    const word = text.slice(span.start, span.end);
    out += matched[i] ? `**${word}**` : word;
    cursor = span.end;
  }
  const tailEnd = end < spans.length ? spans[end]!.start : text.length;
  out += clean(text.slice(cursor, tailEnd)).trimEnd();
  if (end < spans.length) out += ' …';
  return out.trim().slice(0, MAX_SNIPPET_CHARS + 40);
}

/** Postgres text can't hold NUL; the contract caps queries at 1,000 characters anyway. */
export function cleanQueryText(query: string): string {
  return query.replaceAll('\u0000', ' ').slice(0, 4000);
}
