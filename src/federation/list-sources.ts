// list_sources: the caller's sources with live status — breaker state first (a suspended source is
// not bothered), then a health check shared by concurrent callers and reused for a few seconds.
import type { SourceHealth } from '../../connectors/contract/types.js';
import { AbortScope, raceAbort } from './abort-scope.js';
import { visibleSources } from './plan.js';
import type { SearchTarget } from './search.js';
import type { FederationLogger, FederationObserver, FederationSettings } from './settings.js';
import type { Caller, SourceInfo } from './types.js';

export interface ListSourcesDeps {
  targets: readonly SearchTarget[];
  settings: FederationSettings;
  now: () => number;
  logger: FederationLogger;
  observer: FederationObserver | undefined;
}

interface HealthEntry {
  at: number;
  /** Null when the source could not be reached in time. */
  health: Promise<SourceHealth | null>;
}

export function createListSources(deps: ListSourcesDeps): (caller: Caller, signal: AbortSignal) => Promise<SourceInfo[]> {
  const { settings, now, logger, observer } = deps;
  const names = deps.targets.map((target) => target.connector.name);
  const byName = new Map(deps.targets.map((target) => [target.connector.name, target]));
  const memo = new Map<string, HealthEntry>();
  const lastCount = new Map<string, number | null>();

  async function checkHealth(target: SearchTarget): Promise<SourceHealth | null> {
    const name = target.connector.name;
    const startedAt = now();
    // Not tied to one caller: concurrent callers share this check, bounded by the source's timeout.
    const timed = AbortScope.follow(new AbortController().signal).child(Math.min(target.timeoutMs, settings.deadlineMs));
    try {
      const health = await raceAbort(target.connector.health(timed.signal), timed);
      observer?.onSourceOutcome?.(name, health.ok ? 'ok' : 'error', now() - startedAt, 'health');
      lastCount.set(name, health.documentCount);
      if (!health.ok) logger.warn({ source: name, detail: health.detail }, `source ${name} reports itself unhealthy`);
      return health;
    } catch (error) {
      observer?.onSourceOutcome?.(name, timed.timedOut() ? 'timeout' : 'error', now() - startedAt, 'health');
      logger.warn({ source: name, err: error }, `health check of source ${name} failed`);
      return null;
    } finally {
      timed.dispose();
    }
  }

  function healthOf(target: SearchTarget): Promise<SourceHealth | null> {
    const name = target.connector.name;
    const entry = memo.get(name);
    if (entry && now() - entry.at < settings.healthTtlMs) return entry.health;
    const fresh = { at: now(), health: checkHealth(target) };
    memo.set(name, fresh);
    return fresh.health;
  }

  return async function listSources(caller, signal) {
    signal.throwIfAborted();
    const startedAt = now();
    const visible = visibleSources(names, caller).map((name) => byName.get(name)!);
    const scope = AbortScope.follow(signal);
    // A source's document count includes documents a caller with principals may not read, so
    // such callers see no count: the total would tell them that forbidden documents exist.
    const countsVisible = caller.principals === null || caller.principals === undefined;
    const infos = await Promise.all(
      visible.map(async (target): Promise<SourceInfo> => {
        const { connector, guard } = target;
        const base = { name: connector.name, kind: connector.kind, description: connector.description };
        const breaker = guard.breaker.state();
        if (breaker === 'open') {
          return { ...base, status: 'suspended', document_count: lastCount.get(connector.name) ?? null };
        }
        const health = await raceAbort(healthOf(target), scope);
        if (health === null || !health.ok) return { ...base, status: 'unreachable', document_count: health?.documentCount ?? null };
        const degraded = breaker === 'half-open' || guard.breaker.consecutiveFailures() > 0;
        return { ...base, status: degraded ? 'degraded' : 'ok', document_count: health.documentCount };
      }),
    ).finally(() => scope.dispose());
    if (!countsVisible) for (const info of infos) info.document_count = null;
    // Debug, not info: the status page polls this every few seconds.
    logger.debug(
      {
        event: 'list_sources',
        reqId: caller.requestId,
        key: caller.keyName,
        took_ms: Math.round(now() - startedAt),
        sources: infos.map(({ name, status }) => ({ name, status })),
      },
      'list_sources',
    );
    return infos;
  };
}
