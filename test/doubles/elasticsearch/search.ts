// `_search` and `_count` of the Elasticsearch double: resolves indices, runs the compiled query over
// refreshed documents, and shapes hits, totals, `_source` filtering and highlights as the docs show.
import { highlightDoc, type HighlightSpec } from './highlight.js';
import { compileQuery, QueryError, type TextClause } from './queries.js';
import { valueAt } from './scoring.js';
import type { DoubleIndex, DoubleStore, StoredDoc } from './store.js';
import { parsingException, unsupportedByDouble, type EsError } from './error-bodies.js';

type Json = Record<string, unknown>;

interface Scored {
  index: DoubleIndex;
  doc: StoredDoc;
  score: number;
}

function run(indices: DoubleIndex[], query: unknown, clauses: TextClause[]): Scored[] {
  const matcher = compileQuery(query, clauses);
  const out: Scored[] = [];
  for (const index of indices) {
    for (const doc of index.visible.values()) {
      const score = matcher(index, doc);
      if (score !== null) out.push({ index, doc, score });
    }
  }
  return out;
}

const KNOWN_SEARCH_KEYS = new Set(['query', 'size', 'from', '_source', 'track_total_hits', 'highlight', 'timeout', 'sort', 'explain', 'min_score']);

export function search(store: DoubleStore, expression: string | undefined, body: Json, params: URLSearchParams): { status: number; body: unknown } {
  const resolved = store.resolve(expression);
  if (!Array.isArray(resolved)) return resolved;
  for (const key of Object.keys(body)) {
    if (!KNOWN_SEARCH_KEYS.has(key)) return unsupportedByDouble(`the search body key [${key}]`);
  }
  const sort = body.sort;
  if (sort !== undefined && JSON.stringify(sort) !== '["_score"]' && JSON.stringify(sort) !== '"_score"') {
    return unsupportedByDouble('sorting other than by _score');
  }
  const size = Number(body.size ?? params.get('size') ?? 10);
  const from = Number(body.from ?? params.get('from') ?? 0);
  if (!Number.isInteger(size) || size < 0 || !Number.isInteger(from) || from < 0) {
    return parsingException('[size] and [from] must be non-negative integers');
  }
  if (from + size > 10_000) {
    return illegalWindow(from + size);
  }
  const clauses: TextClause[] = [];
  let matches: Scored[];
  try {
    matches = run(resolved, body.query, clauses);
  } catch (error) {
    if (error instanceof QueryError) return error.error;
    throw error;
  }
  // Best first; ties keep index order then insertion order, as one shard's doc ids would.
  const ordered = matches.map((m, i) => ({ ...m, i })).sort((a, b) => b.score - a.score || a.i - b.i);
  const page = ordered.slice(from, from + size);
  const highlight = body.highlight as HighlightSpec | undefined;
  const hits = page.map(({ index, doc, score }) => {
    const hit: Json = { _index: index.name, _id: doc.id, _score: score };
    if (doc.routing !== null) hit._routing = doc.routing;
    const source = filterSource(doc.source, body._source);
    if (source !== undefined) hit._source = source;
    if (highlight !== undefined) {
      const fragments = highlightDoc(index, doc, highlight, clauses);
      if (fragments !== undefined) hit.highlight = fragments;
    }
    return hit;
  });
  const total = totalHits(matches.length, body.track_total_hits);
  return {
    status: 200,
    body: {
      took: 1,
      timed_out: false,
      _shards: { total: resolved.length, successful: resolved.length, skipped: 0, failed: 0 },
      hits: { ...(total === undefined ? {} : { total }), max_score: page[0]?.score ?? null, hits },
    },
  };
}

export function count(store: DoubleStore, expression: string | undefined, body: Json): { status: number; body: unknown } {
  const resolved = store.resolve(expression);
  if (!Array.isArray(resolved)) return resolved;
  try {
    const matches = run(resolved, body.query, []);
    return {
      status: 200,
      body: { count: matches.length, _shards: { total: resolved.length, successful: resolved.length, skipped: 0, failed: 0 } },
    };
  } catch (error) {
    if (error instanceof QueryError) return error.error;
    throw error;
  }
}

/** `hits.total`: absent when tracking is off; exact up to the bound, then `gte` (default bound 10,000). */
function totalHits(n: number, track: unknown): { value: number; relation: 'eq' | 'gte' } | undefined {
  if (track === false) return undefined;
  const bound = track === true ? Number.POSITIVE_INFINITY : typeof track === 'number' ? track : 10_000;
  return n > bound ? { value: bound, relation: 'gte' } : { value: n, relation: 'eq' };
}

function illegalWindow(window: number): EsError {
  const reason = `Result window is too large, from + size must be less than or equal to: [10000] but was [${window}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`;
  return {
    status: 400,
    body: {
      error: { root_cause: [{ type: 'illegal_argument_exception', reason }], type: 'search_phase_execution_exception', reason: 'all shards failed' },
      status: 400,
    },
  };
}

/** `_source` filtering: true/false, a list of paths, or `{includes, excludes}`; `*` wildcards allowed. */
export function filterSource(source: Json, spec: unknown): Json | undefined {
  if (spec === undefined || spec === true) return source;
  if (spec === false) return undefined;
  const includes = Array.isArray(spec) || typeof spec === 'string' ? toList(spec) : toList((spec as Json).includes);
  const excludes = Array.isArray(spec) || typeof spec === 'string' ? [] : toList((spec as Json).excludes);
  const out: Json = {};
  const matches = (patterns: string[], path: string): boolean =>
    patterns.some((pattern) => {
      const regex = new RegExp(
        `^${pattern
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}(\\..*)?$`,
      );
      return regex.test(path);
    });
  for (const key of Object.keys(source)) {
    const prefixOfInclude = includes.some((pattern) => pattern.startsWith(`${key}.`));
    if (includes.length > 0 && !matches(includes, key) && !prefixOfInclude) continue;
    if (matches(excludes, key)) continue;
    const value = valueAt(source, key);
    if (prefixOfInclude && !matches(includes, key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const nested = filterSource(
        value as Json,
        includes.filter((p) => p.startsWith(`${key}.`)).map((p) => p.slice(key.length + 1)),
      );
      if (nested !== undefined && Object.keys(nested).length > 0) out[key] = nested;
      continue;
    }
    out[key] = value;
  }
  return out;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
