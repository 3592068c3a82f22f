// Asks every selected source at once, each through its guard, within the overall deadline.
// Never fails for a source: each answer is an outcome. Only the caller's own abort rejects.
import type { Connector, GlobalStatistics, SourceHit } from '../../connectors/contract/types.js';
import type { AbortScope } from './abort-scope.js';
import type { SourceGuard } from './source-guard.js';
import type { SourceCallResult } from './report.js';

export interface FanOutTarget {
  connector: Connector;
  guard: SourceGuard;
  timeoutMs: number;
}

export interface FanOutRequest {
  query: string;
  limit: number;
  updatedAfter: Date | null;
  /** The caller's principals; every source filters by them before it ranks. */
  principals: readonly string[] | null;
  /** The global statistics each source scores with (issue 17); absent: its own. */
  statisticsFor?: ((source: string) => GlobalStatistics) | undefined;
}

export interface FanOutResult extends SourceCallResult {
  hits: SourceHit[];
}

/** Each source gets its own timeout, cut short by what is left of the deadline at `deadlineAt`. */
export async function fanOut(
  targets: readonly FanOutTarget[],
  request: FanOutRequest,
  scope: AbortScope,
  deadlineAt: number,
  now: () => number,
): Promise<FanOutResult[]> {
  return Promise.all(
    targets.map(async (target): Promise<FanOutResult> => {
      const timeoutMs = Math.max(0, Math.min(target.timeoutMs, deadlineAt - now()));
      const outcome = await target.guard.run(
        'search',
        (signal) => {
          const statistics = request.statisticsFor?.(target.connector.name);
          const base = { query: request.query, limit: request.limit, updatedAfter: request.updatedAfter, principals: request.principals, signal };
          return target.connector.search(statistics === undefined ? base : { ...base, statistics });
        },
        { scope, timeoutMs },
      );
      const name = target.connector.name;
      if (outcome.status === 'ok') {
        const hits = Array.isArray(outcome.value) ? outcome.value : [];
        return { name, status: 'ok', tookMs: outcome.tookMs, count: Math.min(hits.length, request.limit), hits };
      }
      return { name, status: outcome.status, tookMs: outcome.tookMs, count: 0, error: outcome.error, hits: [] };
    }),
  );
}
