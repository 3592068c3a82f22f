// createFederation: builds the SearchService from connectors, settings and ports.
// Owns one guard (breaker + concurrency cap) per source; the connectors stay owned by the caller.
import { MemoryBreakerStateStore } from './memory-breaker-store.js';
import { noCache } from './cache-port.js';
import { createGetDocument } from './get-document.js';
import { createListSources } from './list-sources.js';
import { createSearch, type SearchTarget } from './search.js';
import { resolveSettings, type FederationDeps } from './settings.js';
import { createSourceGuard, type SourceGuard } from './source-guard.js';
import type { SearchService } from './types.js';

export interface Federation extends SearchService {
  /** The guards by source name, for readiness checks, metrics and tests. */
  readonly guards: ReadonlyMap<string, SourceGuard>;
}

export function createFederation(deps: FederationDeps): Federation {
  const settings = resolveSettings(deps.settings);
  const now = deps.now ?? (() => performance.now());
  const cache = deps.cache ?? noCache;
  const breakerStore = deps.breakerStore ?? new MemoryBreakerStateStore();
  const seen = new Set<string>();
  const targets: SearchTarget[] = deps.sources.map(({ connector, config }, order) => {
    if (seen.has(connector.name)) throw new Error(`federation: two sources are named "${connector.name}"`);
    seen.add(connector.name);
    const guard = createSourceGuard({
      name: connector.name,
      kind: connector.kind,
      maxConcurrency: config.max_concurrency,
      breaker: settings.breaker,
      breakerStore,
      abortGraceMs: settings.abortGraceMs,
      now,
      logger: deps.logger,
      observer: deps.observer,
    });
    return { connector, guard, order, weight: config.weight, timeoutMs: config.timeout_ms };
  });
  const shared = { targets, settings, now, logger: deps.logger };
  return {
    guards: new Map(targets.map((target) => [target.connector.name, target.guard])),
    search: createSearch({
      ...shared,
      cache,
      ...(deps.generations ? { generations: deps.generations } : {}),
      ...(deps.requestLines ? { requestLines: deps.requestLines } : {}),
    }),
    getDocument: createGetDocument({ ...shared, cache }),
    listSources: createListSources({ ...shared, observer: deps.observer }),
  };
}
