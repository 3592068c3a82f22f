// The composition root: the one place that knows every connector kind, the cache and the
// federation, and builds them from the validated config. Callers (serve, CLI) close it.
import type { Connector } from '../../connectors/contract/types.js';
import { createConnectors, startConnectors } from './connectors.js';
import type { AppConfig } from '../config/load-config.js';
import type { RateLimiter, ReadinessReport } from '../app.js';
import { createCacheLayer, type CacheLayer } from '../cache/create-cache.js';
import { createFederation } from '../federation/index.js';
import { createSharedBreakerFactory } from '../shared-state/shared-breaker.js';
import { createSharedState } from '../shared-state/create-shared-state.js';
import {
  combineCacheObservers,
  combineObservers,
  createCacheStatsRecorder,
  createSourceStatsRecorder,
  type CacheStatus,
  type SourceStatsRecorder,
} from '../status/index.js';
import type { SearchService } from '../federation/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface Runtime {
  service: SearchService;
  connectors: ReadonlyMap<string, Connector>;
  cache: CacheLayer['cache'];
  rateLimiter: RateLimiter;
  /** Rolling per-source and cache figures for the status page. */
  status: { recorder: SourceStatsRecorder; cacheStatus: () => CacheStatus };
  readiness(signal: AbortSignal): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export async function createRuntime(config: AppConfig, logger: Logger, metrics: Metrics): Promise<Runtime> {
  const connectors = createConnectors(config, logger);
  await startConnectors(connectors, config.sources, logger);
  // Cache, breaker state and rate limits live in Redis when REDIS_URL is set (shared by every
  // instance), in process memory otherwise.
  const perKey = Object.fromEntries(
    config.auth.keys.filter((key) => key.rateLimitPerMinute > 0).map((key) => [key.name, { points: key.rateLimitPerMinute, durationSec: 60 }]),
  );
  const shared = createSharedState({
    redisUrl: config.redisUrl,
    logger: logger.child({ component: 'redis' }),
    rateLimits: { defaultPolicy: { points: config.rateLimitPerMinute, durationSec: 60 }, perKey },
  });
  // Give Redis a moment so the first requests use the cache rather than bypass it while connecting.
  await shared.link?.waitUntilReady(1000).catch(() => undefined);
  const sourceStats = createSourceStatsRecorder({ now: () => performance.now() });
  const cacheStats = createCacheStatsRecorder({ kind: config.redisUrl ? 'redis' : 'memory', now: () => performance.now() });
  const cacheLayer = createCacheLayer({
    link: shared.link,
    logger: logger.child({ component: 'cache' }),
    // Waiting for another instance's computation never outlasts a search's own deadline by much.
    settings: { staleMs: config.cache.staleMs, lockWaitMs: config.search.deadlineMs + 500 },
    observer: combineCacheObservers(
      {
        event: (label, event) => metrics.cacheEvents.inc({ cache: label, event }),
        degraded: (isDegraded) => metrics.cacheDegraded.set(isDegraded ? 1 : 0),
      },
      cacheStats,
    ),
  });
  const service = createFederation({
    cache: cacheLayer.cache,
    // Remembered term statistics are dropped when an ingest bumps a source's generation.
    generations: cacheLayer.generations,
    ...(shared.link ? { breakerFactory: createSharedBreakerFactory(shared.breakers) } : {}),
    sources: config.sources.map((source) => ({ connector: connectors.get(source.name) as Connector, config: source })),
    settings: {
      deadlineMs: config.search.deadlineMs,
      cursorSecret: config.cursorSecret,
      fusion: { mode: config.search.fusion, rrfK: config.search.rrfK },
      cache: { searchTtlMs: config.cache.ttlSearchMs, documentTtlMs: config.cache.ttlDocumentMs },
      namespace: config.fingerprint,
    },
    logger: logger.child({ component: 'federation' }),
    observer: combineObservers(
      {
        onSourceOutcome(source, status, ms, operation) {
          metrics.sourceRequests.inc({ source, operation, status });
          metrics.sourceLatency.observe({ source, operation }, ms / 1000);
        },
        onBreakerStateChange(source, state) {
          metrics.breakerOpen.set({ source }, state === 'closed' ? 0 : 1);
        },
      },
      sourceStats,
    ),
  });

  async function readiness(signal: AbortSignal): Promise<ReadinessReport> {
    const sources = await Promise.all(
      config.sources.map(async (source) => {
        const connector = connectors.get(source.name) as Connector;
        try {
          const health = await connector.health(signal);
          return { name: source.name, kind: source.kind, ok: health.ok, detail: health.detail, document_count: health.documentCount };
        } catch {
          return { name: source.name, kind: source.kind, ok: false, detail: 'health check failed', document_count: null };
        }
      }),
    );
    const cache = cacheLayer.cache.status();
    return { ready: sources.some((source) => source.ok), sources, cache: { kind: cache.backend, degraded: cache.state !== 'ok' } };
  }

  return {
    service,
    connectors,
    cache: cacheLayer.cache,
    rateLimiter: {
      consume: (keyName, limitPerMinute) => shared.rateLimiter.consume(keyName, { points: limitPerMinute, durationSec: 60 }),
    },
    status: { recorder: sourceStats, cacheStatus: () => cacheStats.status() },
    readiness,
    async close() {
      await cacheLayer.close();
      await Promise.allSettled([...connectors.values()].map((connector) => connector.close()));
      await shared.close();
    },
  };
}
