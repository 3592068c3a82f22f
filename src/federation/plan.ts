// Step 1 of a search: validate and normalise the request and decide which sources to ask.
// Sources the caller's key may not use are indistinguishable from sources that do not exist.
import { KnowledgeError } from '../../connectors/contract/errors.js';
import type { Caller, SearchInput } from './types.js';

export const MAX_QUERY_LENGTH = 1000;

export interface SearchPlan {
  /** The query as echoed back (trimmed). */
  query: string;
  /** The query as compared for caches and cursors (NFC, whitespace collapsed). */
  normalizedQuery: string;
  limit: number;
  /** Sources the caller may use, in config order. */
  visible: string[];
  /** Sources to ask, in config order. */
  selected: string[];
  updatedAfter: Date | null;
  /** The caller's principals that every source filters documents by; null = a service caller. */
  principals: readonly string[] | null;
}

/** The configured sources this caller may see, in config order. */
export function visibleSources(names: readonly string[], caller: Caller): string[] {
  const allowed = caller.allowedSources;
  return allowed === null ? [...names] : names.filter((name) => allowed.has(name));
}

export function normalizeQuery(query: string): string {
  return query.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** `unknown source "x"` naming only what the caller may see. */
export function unknownSourceError(unknown: readonly string[], visible: readonly string[]): KnowledgeError {
  const names = unknown.map((name) => `"${name}"`).join(', ');
  const available = visible.length > 0 ? visible.join(', ') : 'none';
  return new KnowledgeError('UNKNOWN_SOURCE', `unknown source ${names}; available sources: ${available}`, { status: 404 });
}

export function parseUpdatedAfter(value: string | undefined): Date | null {
  if (value === undefined) return null;
  // ISO 8601 date or date-time only; Date.parse alone accepts too much ("1", "May 5").
  const isoLike = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
  const time = isoLike.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new KnowledgeError('INVALID_ARGUMENT', 'updated_after: expected an ISO 8601 date-time such as 2025-01-31T00:00:00Z');
  }
  return new Date(time);
}

export function planSearch(input: SearchInput, caller: Caller, sourceNames: readonly string[], maxLimit: number): SearchPlan {
  const query = input.query.trim();
  if (query.length === 0 || query.length > MAX_QUERY_LENGTH) {
    throw new KnowledgeError('INVALID_ARGUMENT', `query: expected 1 to ${MAX_QUERY_LENGTH} characters`);
  }
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > maxLimit) {
    throw new KnowledgeError('INVALID_ARGUMENT', `limit: expected an integer from 1 to ${maxLimit}`);
  }
  const visible = visibleSources(sourceNames, caller);
  let selected = visible;
  if (input.sources !== undefined && input.sources.length > 0) {
    const requested = new Set(input.sources);
    const unknown = [...requested].filter((name) => !visible.includes(name));
    if (unknown.length > 0) throw unknownSourceError(unknown, visible);
    selected = visible.filter((name) => requested.has(name));
  }
  return {
    query,
    normalizedQuery: normalizeQuery(query),
    limit: input.limit,
    visible,
    selected,
    updatedAfter: parseUpdatedAfter(input.updated_after),
    principals: caller.principals ?? null,
  };
}
