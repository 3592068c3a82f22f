// Query DSL of the Elasticsearch double: compiles the documented shapes of match_all, match,
// multi_match, bool, range, ids, term(s) and exists into matchers; anything else is refused loudly.
import { analyze } from './analysis.js';
import { esError, parsingException, unsupportedByDouble, type EsError } from './error-bodies.js';
import { fieldString, fieldValues, scoreField } from './scoring.js';
import type { DoubleIndex, StoredDoc } from './store.js';

/** Score of a matching document, or null when it does not match. */
export type Matcher = (index: DoubleIndex, doc: StoredDoc) => number | null;

/** Text clauses, kept so the highlighter knows which terms to mark in which fields. */
export interface TextClause {
  fields: string[];
  text: string;
}

export class QueryError extends Error {
  constructor(readonly error: EsError) {
    super(error.body.error.reason);
  }
}

type Json = Record<string, unknown>;

function single(query: unknown, name: string): [string, unknown] {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new QueryError(parsingException(`[${name}] query malformed, no start_object after query name`));
  }
  const entries = Object.entries(query);
  if (entries.length !== 1) {
    throw new QueryError(parsingException(`[${name}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`));
  }
  return entries[0] as [string, unknown];
}

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Expands `title^2`, `body`, `meta.*` against the fields mapped in the index. */
function expandFields(index: DoubleIndex, specs: string[]): Array<{ field: string; boost: number }> {
  const out: Array<{ field: string; boost: number }> = [];
  for (const spec of specs) {
    const [name = '', boostText] = spec.split('^');
    const boost = boostText === undefined ? 1 : Number(boostText);
    if (!name.includes('*')) {
      out.push({ field: name, boost });
      continue;
    }
    const pattern = new RegExp(
      `^${name
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    for (const field of textFieldPaths(index)) if (pattern.test(field)) out.push({ field, boost });
  }
  return out;
}

function textFieldPaths(index: DoubleIndex): string[] {
  const out: string[] = [];
  const walk = (properties: Record<string, { type: string; properties?: unknown }>, prefix: string): void => {
    for (const [name, spec] of Object.entries(properties)) {
      if (spec.type === 'text' || spec.type === 'keyword' || spec.type === 'match_only_text') out.push(prefix + name);
      if (spec.properties !== undefined) walk(spec.properties as Record<string, { type: string }>, `${prefix}${name}.`);
    }
  };
  walk(index.properties, '');
  return out;
}

function isTextLike(index: DoubleIndex, field: string): boolean {
  const type = index.field(field)?.type;
  return type === undefined || type === 'text' || type === 'keyword' || type === 'match_only_text' || type === 'wildcard';
}

function matchText(index: DoubleIndex, doc: StoredDoc, field: string, text: string, operator: 'or' | 'and'): number | null {
  return scoreField(index, doc, field, analyze(text, index.analyzerOf(field)), operator);
}

export function compileQuery(query: unknown, clauses: TextClause[]): Matcher {
  if (query === undefined) return () => 1;
  const [type, body] = single(query, 'query');
  const spec = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const boost = typeof spec.boost === 'number' ? spec.boost : 1;
  switch (type) {
    case 'match_all':
      return () => boost;
    case 'match_none':
      return () => null;
    case 'match': {
      const [field, raw] = single(body, 'match');
      const options = (typeof raw === 'object' && raw !== null ? raw : { query: raw }) as Json;
      const text = String(options.query ?? '');
      const operator = String(options.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
      const fieldBoost = typeof options.boost === 'number' ? options.boost : 1;
      clauses.push({ fields: [field], text });
      return (index, doc) => {
        const score = matchText(index, doc, field, text, operator);
        return score === null ? null : score * fieldBoost;
      };
    }
    case 'multi_match':
      return compileMultiMatch(spec, boost, clauses);
    case 'bool':
      return compileBool(spec, boost, clauses);
    case 'range':
      return compileRange(body, boost);
    case 'ids': {
      const values = new Set(list(spec.values).map(String));
      return (_index, doc) => (values.has(doc.id) ? boost : null);
    }
    case 'term':
    case 'terms': {
      const [field, raw] = single(body, type);
      const wanted = type === 'terms' ? list(raw).map(String) : [String(typeof raw === 'object' && raw !== null ? (raw as Json).value : raw)];
      return (index, doc) => (termMatches(index, doc, field, wanted) ? boost : null);
    }
    case 'exists': {
      const field = String(spec.field ?? '');
      // Like Elasticsearch: a field holding null, [] or [null] does not exist.
      return (index, doc) => (field === '_id' || fieldValues(index, doc.source, field).length > 0 ? boost : null);
    }
    default:
      throw new QueryError(unsupportedByDouble(`the [${type}] query`));
  }
}

function termMatches(index: DoubleIndex, doc: StoredDoc, field: string, wanted: string[]): boolean {
  if (field === '_id') return wanted.includes(doc.id);
  const values = fieldValues(index, doc.source, field);
  if (values.length === 0) return false;
  const analyzer = index.analyzerOf(field);
  // A term query is not analysed: on a text field it compares against the indexed tokens; a
  // keyword array is one exact term per element.
  const indexed = analyzer === 'keyword' ? values : values.flatMap((value) => analyze(value, analyzer));
  return wanted.some((value) => indexed.includes(value));
}

function compileMultiMatch(spec: Json, boost: number, clauses: TextClause[]): Matcher {
  const text = String(spec.query ?? '');
  const type = String(spec.type ?? 'best_fields');
  if (type !== 'best_fields' && type !== 'most_fields') throw new QueryError(unsupportedByDouble(`multi_match type [${type}]`));
  const tieBreaker = typeof spec.tie_breaker === 'number' ? spec.tie_breaker : 0;
  const operator = String(spec.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
  const lenient = spec.lenient === true;
  const specs = list(spec.fields ?? ['*']).map(String);
  clauses.push({ fields: specs.map((field) => field.split('^')[0] ?? field), text });
  return (index, doc) => {
    const scores: number[] = [];
    for (const { field, boost: fieldBoost } of expandFields(index, specs)) {
      if (!isTextLike(index, field)) {
        if (lenient) continue;
        throw new QueryError(esError(400, 'query_shard_exception', `failed to create query: field [${field}] is not a text field`));
      }
      const score = matchText(index, doc, field, text, operator);
      if (score !== null) scores.push(score * fieldBoost);
    }
    if (scores.length === 0) return null;
    const best = Math.max(...scores);
    const total = scores.reduce((sum, score) => sum + score, 0);
    return boost * (type === 'most_fields' ? total : best + tieBreaker * (total - best));
  };
}

function compileBool(spec: Json, boost: number, clauses: TextClause[]): Matcher {
  const must = list(spec.must).map((q) => compileQuery(q, clauses));
  const should = list(spec.should).map((q) => compileQuery(q, clauses));
  const filter = list(spec.filter).map((q) => compileQuery(q, []));
  const mustNot = list(spec.must_not).map((q) => compileQuery(q, []));
  const declared = spec.minimum_should_match;
  const minimumShould = declared !== undefined ? Number(declared) : must.length === 0 && filter.length === 0 && should.length > 0 ? 1 : 0;
  return (index, doc) => {
    let score = 0;
    for (const matcher of must) {
      const s = matcher(index, doc);
      if (s === null) return null;
      score += s;
    }
    for (const matcher of filter) if (matcher(index, doc) === null) return null;
    for (const matcher of mustNot) if (matcher(index, doc) !== null) return null;
    let matchedShould = 0;
    for (const matcher of should) {
      const s = matcher(index, doc);
      if (s === null) continue;
      matchedShould += 1;
      score += s;
    }
    if (matchedShould < minimumShould) return null;
    return score * boost;
  };
}

function compileRange(body: unknown, boost: number): Matcher {
  const [field, raw] = single(body, 'range');
  const bounds = (raw ?? {}) as Json;
  for (const key of Object.keys(bounds)) {
    if (!['gt', 'gte', 'lt', 'lte', 'format', 'boost', 'time_zone'].includes(key)) {
      throw new QueryError(parsingException(`[range] query does not support [${key}]`));
    }
  }
  return (index, doc) => {
    const text = fieldString(index, doc.source, field);
    if (text === null) return null;
    const isDate = ['date', 'date_nanos'].includes(index.field(field)?.type ?? '');
    const value = isDate ? toMillis(text) : Number(text);
    const compare = (bound: unknown): number => {
      const other = isDate ? toMillis(bound) : Number(bound);
      return value - other;
    };
    if (bounds.gte !== undefined && !(compare(bounds.gte) >= 0)) return null;
    if (bounds.gt !== undefined && !(compare(bounds.gt) > 0)) return null;
    if (bounds.lte !== undefined && !(compare(bounds.lte) <= 0)) return null;
    if (bounds.lt !== undefined && !(compare(bounds.lt) < 0)) return null;
    return boost;
  };
}

/** Dates as epoch millis: ISO strings, epoch numbers and simple `now-7d` date math. */
function toMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  const math = /^now(?:([+-])(\d+)([smhd]))?$/.exec(text);
  if (math !== null) {
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[math[3] as 's' | 'm' | 'h' | 'd'] ?? 0;
    const offset = math[1] === undefined ? 0 : Number(math[2]) * unit * (math[1] === '-' ? -1 : 1);
    return Date.now() + offset;
  }
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}
