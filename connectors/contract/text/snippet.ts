// Picks the passage of a document that best covers the query and bolds the matched words,
// so the markdown, MediaWiki and Confluence connectors return snippets in the contract's `**term**` form.
import { analyzeTerm, iterateWords } from './text-analysis.js';

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

/** Wraps every word of `text` whose index term is in `terms` in `**…**`. */
export function highlightTerms(text: string, terms: ReadonlySet<string>, analyze: (word: string) => string | null = analyzeTerm): string {
  let out = '';
  let last = 0;
  for (const { word, start, end } of iterateWords(text)) {
    const term = analyze(word);
    if (term === null || !terms.has(term)) continue;
    out += `${text.slice(last, start)}**${word}**`;
    last = end;
  }
  return out + text.slice(last);
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

/**
 * A snippet of plain `text` around the densest cluster of query terms, matched words bolded,
 * cut at word boundaries with `…` where text was left out. Without matches: the opening.
 */
export function buildTermSnippet(text: string, terms: ReadonlySet<string>, options: SnippetOptions = {}): string {
  const maxChars = options.maxChars ?? 240;
  const analyze = options.analyze ?? analyzeTerm;
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length === 0) return '';

  const hits: Hit[] = [];
  if (terms.size > 0) {
    for (const { word, start, end } of iterateWords(clean)) {
      const term = analyze(word);
      if (term !== null && terms.has(term)) hits.push({ term, start, end });
    }
  }

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
  const body = highlightTerms(clean.slice(start, end).trim(), terms, analyze);
  return `${start > 0 ? '…' : ''}${body}${end < clean.length ? '…' : ''}`;
}
