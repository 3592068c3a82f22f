// Highlighting of the Elasticsearch double, after the unified highlighter's documented behaviour:
// sentence-bounded fragments of about `fragment_size`, best ones first chosen then kept in text
// order, each matched term wrapped in the tags; `number_of_fragments: 0` marks the whole field.
import { analyzeWord, wordTokens } from './analysis.js';
import type { TextClause } from './queries.js';
import { fieldString } from './scoring.js';
import type { DoubleIndex, StoredDoc } from './store.js';

interface FieldOptions {
  fragment_size?: number;
  number_of_fragments?: number;
  no_match_size?: number;
  pre_tags?: string[];
  post_tags?: string[];
}

export interface HighlightSpec extends FieldOptions {
  fields?: Record<string, FieldOptions> | Array<Record<string, FieldOptions>>;
  require_field_match?: boolean;
}

export function highlightDoc(index: DoubleIndex, doc: StoredDoc, spec: HighlightSpec, clauses: TextClause[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  const fields = Array.isArray(spec.fields) ? Object.assign({}, ...spec.fields) : (spec.fields ?? {});
  for (const [field, own] of Object.entries(fields as Record<string, FieldOptions>)) {
    const options = { ...spec, ...own };
    const text = fieldString(index, doc.source, field);
    if (text === null) continue;
    const terms = termsFor(index, field, clauses, spec.require_field_match !== false);
    const fragments = fragmentsFor(text, terms, index.analyzerOf(field), options);
    if (fragments.length > 0) out[field] = fragments;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function termsFor(index: DoubleIndex, field: string, clauses: TextClause[], requireFieldMatch: boolean): Set<string> {
  const analyzer = index.analyzerOf(field);
  const terms = new Set<string>();
  for (const clause of clauses) {
    const covers = clause.fields.some((pattern) => pattern === field || pattern === '*' || (pattern.endsWith('*') && field.startsWith(pattern.slice(0, -1))));
    if (requireFieldMatch && !covers) continue;
    if (analyzer === 'keyword') {
      terms.add(clause.text);
      continue;
    }
    for (const { word } of wordTokens(clause.text)) {
      const term = analyzeWord(word, analyzer);
      if (term !== null) terms.add(term);
    }
  }
  return terms;
}

function fragmentsFor(text: string, terms: Set<string>, analyzer: ReturnType<DoubleIndex['analyzerOf']>, options: FieldOptions): string[] {
  const pre = options.pre_tags?.[0] ?? '<em>';
  const post = options.post_tags?.[0] ?? '</em>';
  const size = options.fragment_size ?? 100;
  const count = options.number_of_fragments ?? 5;
  const matches =
    analyzer === 'keyword'
      ? terms.has(text)
        ? [{ start: 0, end: text.length }]
        : []
      : wordTokens(text).filter((token) => {
          const term = analyzeWord(token.word, analyzer);
          return term !== null && terms.has(term);
        });
  if (matches.length === 0) {
    const noMatch = options.no_match_size ?? 0;
    return noMatch > 0 ? [cutAtWord(text, noMatch)] : [];
  }
  const mark = (start: number, end: number): string => {
    let result = '';
    let cursor = start;
    for (const match of matches) {
      if (match.start < start || match.end > end) continue;
      result += text.slice(cursor, match.start) + pre + text.slice(match.start, match.end) + post;
      cursor = match.end;
    }
    return result + text.slice(cursor, end);
  };
  if (count === 0) return [mark(0, text.length)];

  const passages = splitPassages(text, size);
  const scored = passages
    .map((passage, order) => ({ ...passage, order, hits: matches.filter((m) => m.start >= passage.start && m.end <= passage.end).length }))
    .filter((passage) => passage.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .slice(0, count)
    .sort((a, b) => a.order - b.order);
  return scored.map((passage) => mark(passage.start, passage.end).trim());
}

/** Sentences, long ones cut at word boundaries, short neighbours merged up to `size` characters. */
function splitPassages(text: string, size: number): Array<{ start: number; end: number }> {
  const pieces: Array<{ start: number; end: number }> = [];
  for (const sentence of text.matchAll(/[^.!?\n]+[.!?\n]*\s*/g)) {
    let start = sentence.index;
    const end = sentence.index + sentence[0].length;
    while (end - start > size) {
      const cut = text.lastIndexOf(' ', start + size);
      const stop = cut > start ? cut + 1 : start + size;
      pieces.push({ start, end: stop });
      start = stop;
    }
    pieces.push({ start, end });
  }
  const merged: Array<{ start: number; end: number }> = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last !== undefined && piece.end - last.start <= size) last.end = piece.end;
    else merged.push({ ...piece });
  }
  return merged;
}

function cutAtWord(text: string, size: number): string {
  if (text.length <= size) return text;
  const cut = text.lastIndexOf(' ', size);
  return text.slice(0, cut > 0 ? cut : size);
}
