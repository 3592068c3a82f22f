// BM25 of the Elasticsearch double (k1 1.2, b 0.75, Lucene's idf), per index and field over the
// documents visible at the last refresh — close enough to a one-shard index to rank sensibly.
import { analyze } from './analysis.js';
import type { DoubleIndex, StoredDoc } from './store.js';

const K1 = 1.2;
const B = 0.75;

interface FieldTerms {
  tf: Map<string, number>;
  length: number;
}

interface FieldStats {
  docCount: number;
  totalLength: number;
  df: Map<string, number>;
}

const docTermsCache = new WeakMap<StoredDoc, Map<string, FieldTerms | null>>();
const statsCache = new WeakMap<Map<string, StoredDoc>, Map<string, FieldStats>>();

/** A `_source` value by dotted path (nested objects or a literal dotted key). */
export function valueAt(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * The field's values one by one, as Elasticsearch indexes them: an array is a multi-valued field,
 * and null, [] and [null] are no value at all (what `exists` and `terms` see).
 */
export function fieldValues(index: DoubleIndex, source: Record<string, unknown>, path: string): string[] {
  let value = valueAt(source, path);
  if (value === undefined && index.field(path) !== null && path.includes('.')) {
    value = valueAt(source, path.slice(0, path.lastIndexOf('.')));
  }
  const items = Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value];
  return items.filter((item) => item !== undefined && item !== null && typeof item !== 'object').map(String);
}

/** The field's text, arrays joined, or null when the document has no such field. */
export function fieldString(index: DoubleIndex, source: Record<string, unknown>, path: string): string | null {
  let value = valueAt(source, path);
  if (value === undefined && index.field(path) !== null && path.includes('.')) {
    // A multi-field (`title.keyword`) indexes the value of its parent field.
    value = valueAt(source, path.slice(0, path.lastIndexOf('.')));
  }
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(' ');
  return typeof value === 'object' ? null : String(value);
}

function docTerms(index: DoubleIndex, doc: StoredDoc, field: string): FieldTerms | null {
  let perField = docTermsCache.get(doc);
  if (perField === undefined) {
    perField = new Map();
    docTermsCache.set(doc, perField);
  }
  if (perField.has(field)) return perField.get(field) ?? null;
  const text = fieldString(index, doc.source, field);
  let terms: FieldTerms | null = null;
  if (text !== null) {
    const tokens = analyze(text, index.analyzerOf(field));
    const tf = new Map<string, number>();
    for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1);
    terms = { tf, length: tokens.length };
  }
  perField.set(field, terms);
  return terms;
}

function fieldStats(index: DoubleIndex, field: string): FieldStats {
  let perField = statsCache.get(index.visible);
  if (perField === undefined) {
    perField = new Map();
    statsCache.set(index.visible, perField);
  }
  const cached = perField.get(field);
  if (cached !== undefined) return cached;
  const stats: FieldStats = { docCount: 0, totalLength: 0, df: new Map() };
  for (const doc of index.visible.values()) {
    const terms = docTerms(index, doc, field);
    if (terms === null) continue;
    stats.docCount += 1;
    stats.totalLength += terms.length;
    for (const term of terms.tf.keys()) stats.df.set(term, (stats.df.get(term) ?? 0) + 1);
  }
  perField.set(field, stats);
  return stats;
}

/**
 * BM25 of `queryTerms` against one field of one document, or null when the document doesn't
 * match (no term present; or, with `operator: and`, some term absent).
 */
export function scoreField(index: DoubleIndex, doc: StoredDoc, field: string, queryTerms: string[], operator: 'or' | 'and'): number | null {
  if (queryTerms.length === 0) return null;
  const terms = docTerms(index, doc, field);
  if (terms === null) return null;
  const stats = fieldStats(index, field);
  const avgdl = stats.docCount === 0 ? 1 : stats.totalLength / stats.docCount;
  let score = 0;
  let matched = 0;
  for (const term of queryTerms) {
    const tf = terms.tf.get(term) ?? 0;
    if (tf === 0) continue;
    matched += 1;
    const n = stats.df.get(term) ?? 0;
    const idf = Math.log(1 + (stats.docCount - n + 0.5) / (n + 0.5));
    score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * terms.length) / avgdl));
  }
  if (matched === 0 || (operator === 'and' && matched < queryTerms.length)) return null;
  return score;
}
