// The runtime behind every transport: sources, shared state (Redis or memory), cache, federation,
// the status figures and readiness. Built from the validated config; `RuntimeOverrides` let tests
// and benches swap a part (given connectors, a fake service, short breakers) without re-wiring.
import type { Connector } from '../../connectors/contract/types.js';
import type { AppConfig } from '../config/load-config.js';
import { createCacheLayer, type CacheLayer } from '../cache/create-cache.js';
import { noCache } from '../federation/cache-port.js';
import { createFederation, type FederatedSource, type FederationSettingsInput } from '../federation/index.js';
import type { SearchService } from '../federation/types.js';
import { requestLine } from '../log-request-line.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { createSharedState, type SharedStateOptions } from '../shared-state/create-shared-state.js';
import type { RateLimiter } from '../shared-state/rate-limiter.js';
import {
  combineCacheObservers,
  combineObservers,
  createCacheStatsRecorder,
  createSourceStatsRecorder,
  type CacheStatsRecorder,
  type SourceStatsRecorder,
} from '../status/index.js';
import { createConnectors, startConnectors } from './connectors.js';
import { createReadiness, type Readiness } from './readiness.js';

export interface Runtime {
  service: SearchService;
  /** Every source's connector by name (given ones included). */
  connectors: ReadonlyMap<string, Connector>;
  /** Null when the cache is switched off (`cache: false`) or the service is given. */
  cache: CacheLayer['cache'] | null;
  rateLimiter: RateLimiter;
  /** Rolling per-source and cache figures for the status page. */
  status: { recorder: SourceStatsRecorder; cacheStats: CacheStatsRecorder };
  readiness: Readiness;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  /**
   * Sources built by the caller (e.g. scripted connectors a test steers), used instead of
   * `config.sources`. The caller starts and closes them.
   */
  sources?: readonly FederatedSource[];
  /** Federation settings the config cannot set (short breakers in fault tests, health TTL). */
  federation?: Omit<FederationSettingsInput, 'cursorSecret'>;
  /** Replaces the federation altogether (edge tests with a fake service). */
  service?: SearchService;
  /** False: no cache at all, every search fans out (fault tests must never see a cached answer). */
  cache?: false;
  rateLimiter?: RateLimiter;
  /** Redis key prefix and connection options (tests give each run its own prefix). */
  sharedState?: Pick<SharedStateOptions, 'keyPrefix' | 'redis'>;
  /** Monotonic milliseconds clock for the status figures and readiness (default performance.now). */
  now?: () => number;
  /** Window of the status page's rolling figures (default 5 minutes). */
  statsWindowMs?: number;
  /** How long /readyz reuses one round of health answers (default 2000 ms). */
  readinessTtlMs?: number;
}

/** Connectors as configured, or as given; `owned` ones are closed with the runtime. */
async function buildSources(
  config: AppConfig,
  logger: Logger,
  given: RuntimeOverrides['sources'],
): Promise<{ sources: FederatedSource[]; owned: Connector[] }> {
  if (given !== undefined) return { sources: [...given], owned: [] };
  const connectors = createConnectors(config, logger);
  await startConnectors(connectors, config.sources, logger);
  const sources = config.sources.map((source) => ({ connector: connectors.get(source.name) as Connector, config: source }));
  return { sources, owned: [...connectors.values()] };
}

export async function createRuntime(config: AppConfig, logger: Logger, metrics: Metrics, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const now = overrides.now ?? (() => performance.now());
  const { sources, owned } = await buildSources(config, logger, overrides.sources);
  // Cache, breaker state and rate limits live in Redis when REDIS_URL is set (shared by every
  // instance), in process memory otherwise.
  const perKey = Object.fromEntries(
    config.auth.keys.filter((key) => key.rateLimitPerMinute > 0).map((key) => [key.name, { points: key.rateLimitPerMinute, durationSec: 60 }]),
  );
  const shared = await createSharedState({
    redisUrl: config.redisUrl,
    logger: logger.child({ component: 'redis' }),
    ...overrides.sharedState,
    rateLimits: { defaultPolicy: { points: config.rateLimitPerMinute, durationSec: 60 }, perKey },
  });
  // Give Redis a moment so the first requests use the cache rather than bypass it while connecting.
  await shared.link?.waitUntilReady(1000).catch(() => undefined);
  const windowMs = overrides.statsWindowMs;
  const sourceStats = createSourceStatsRecorder({ now, ...(windowMs ? { windowMs } : {}) });
  const cacheStats = createCacheStatsRecorder({ kind: config.redisUrl ? 'redis' : 'memory', now, ...(windowMs ? { windowMs } : {}) });
  const cacheLayer: CacheLayer | null =
    overrides.cache === false || overrides.service !== undefined
      ? null
      : createCacheLayer({
          link: shared.link,
          logger: logger.child({ component: 'cache' }),
          // Waiting for another instance's computation never outlasts a search's own deadline by much.
          settings: { staleMs: config.cache.staleMs, lockWaitMs: config.search.deadlineMs + 500 },
          observer: combineCacheObservers(
            {
              event: (label, event) => metrics.cacheEventTally.of(label, event).inc(),
              degraded: (isDegraded) => metrics.cacheDegraded.set(isDegraded ? 1 : 0),
            },
            cacheStats,
          ),
        });
  const federationLogger = logger.child({ component: 'federation' });
  const service =
    overrides.service ??
    createFederation({
      cache: cacheLayer?.cache ?? noCache,
      // Remembered term statistics are dropped when an ingest bumps a source's generation.
      ...(cacheLayer ? { generations: cacheLayer.generations } : {}),
      breakerStore: shared.breakers,
      sources,
      settings: {
        deadlineMs: config.search.deadlineMs,
        cursorSecret: config.cursorSecret,
        fusion: { mode: config.search.fusion, rrfK: config.search.rrfK },
        cache: { searchTtlMs: config.cache.ttlSearchMs, documentTtlMs: config.cache.ttlDocumentMs },
        namespace: config.fingerprint,
        ...overrides.federation,
      },
      logger: federationLogger,
      requestLines: (bindings, message) => requestLine(federationLogger, bindings, message),
      observer: combineObservers(
        {
          onSourceOutcome(source, status, ms, operation) {
            metrics.sourceRequests.inc({ source, operation, status });
            metrics.sourceLatency.of(source, operation).observe(ms / 1000);
          },
          onBreakerStateChange(source, state) {
            metrics.breakerOpen.set({ source }, state === 'closed' ? 0 : 1);
          },
        },
        sourceStats,
      ),
    });

  const kinds = new Map(config.sources.map((source) => [source.name, source.kind]));
  const readiness = createReadiness({
    sources: sources.map(({ connector }) => ({ name: connector.name, kind: kinds.get(connector.name) ?? connector.kind, connector })),
    cache: () => {
      const status = cacheLayer?.cache.status();
      return { kind: status?.backend ?? 'memory', degraded: status !== undefined && status.state !== 'ok' };
    },
    ttlMs: overrides.readinessTtlMs ?? 2000,
    timeoutMs: 2000,
    now,
  });

  return {
    service,
    connectors: new Map(sources.map(({ connector }) => [connector.name, connector])),
    cache: cacheLayer?.cache ?? null,
    rateLimiter: overrides.rateLimiter ?? shared.rateLimiter,
    status: { recorder: sourceStats, cacheStats },
    readiness,
    async close() {
      await cacheLayer?.close();
      await Promise.allSettled(owned.map((connector) => connector.close()));
      await shared.close();
    },
  };
}
