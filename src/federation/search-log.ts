// The one info event per search (timings, per-source outcomes, never the query text, which goes
// to debug), for computed and replayed answers alike.
import type { PageSummary } from './repeated-searches.js';
import type { FederationLogger, RequestLine, RequestLines } from './settings.js';
import type { Caller } from './types.js';

/** The event's fields that do not change from one replay of a page to the next. */
export interface SearchEventFields {
  event: 'search';
  key: string | null;
  outcome: string;
  cached: boolean;
  partial: boolean;
  offset: number;
  limit: number;
  results: number;
  sources: PageSummary['sources'];
}

export function searchEventFields(
  caller: Caller,
  limit: number,
  outcome: { failure: string | null; cached: boolean; summary: PageSummary | null; offset: number },
): SearchEventFields {
  const { summary } = outcome;
  return {
    event: 'search',
    key: caller.keyName,
    outcome: outcome.failure ?? 'ok',
    cached: outcome.cached,
    partial: summary?.partial ?? false,
    offset: outcome.offset,
    limit,
    results: summary?.results ?? 0,
    sources: summary?.sources ?? [],
  };
}

export function logSearch(logger: FederationLogger, requestId: string, query: string | null, tookMs: number, fields: SearchEventFields): void {
  if (query !== null) logger.debug({ reqId: requestId, query }, 'search query');
  logger.info({ ...fields, reqId: requestId, took_ms: tookMs }, 'search');
}

/**
 * How replays of one page log the same event. Prepared once per page: by `requestLines` where the
 * composition root gives it (the constant fields serialised once, each replay writing two), else by a
 * child logger with those fields bound (pino serialises bindings once), else field by field.
 */
export function replayLogger(logger: FederationLogger, query: string, fields: SearchEventFields, requestLines?: RequestLines): RequestLine {
  const prepared = requestLines?.(fields, 'search');
  if (prepared) return prepared;
  const bound = logger.child?.(fields);
  if (bound === undefined) return (requestId, tookMs) => logSearch(logger, requestId, query, tookMs, fields);
  return (requestId, tookMs) => {
    bound.debug({ reqId: requestId, query }, 'search query');
    bound.info({ reqId: requestId, took_ms: tookMs }, 'search');
  };
}
