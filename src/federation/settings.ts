// Federation settings with their defaults (DESIGN §5–§6), and the ports it is built from.
// The composition root maps the validated app config onto `FederationDeps`.
import type { Connector } from '../../connectors/contract/types.js';
import type { SearchCache } from './cache-port.js';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState, type BreakerStateStore } from './breaker-state.js';
import type { FusionSettings } from './fuse.js';
import type { SourceStatus } from './types.js';

/** One configured source: its connector and the base config fields the federation uses. */
export interface FederatedSource {
  connector: Connector;
  config: { weight: number; timeout_ms: number; max_concurrency: number };
}

export interface FederationSettings {
  /** Overall deadline of one search, from the moment it starts (default 3000). */
  deadlineMs: number;
  /** HMAC key for paging cursors; the same on every instance so cursors survive restarts. */
  cursorSecret: string | Uint8Array;
  fusion: FusionSettings;
  breaker: BreakerPolicy;
  /**
   * `statisticsTtlMs`: how long a source's term statistics are reused without an ingest bump
   * (sources edited outside ingest, e.g. a markdown folder, change their counts slowly).
   */
  cache: { searchTtlMs: number; documentTtlMs: number; statisticsTtlMs: number };
  /** Largest `limit` accepted (the tool schema's maximum). */
  maxLimit: number;
  /** Deepest result position a cursor may reach; paging stops there (like Elasticsearch's window). */
  maxResultWindow: number;
  /** How long a connector that ignores its abort signal may keep its concurrency slot. */
  abortGraceMs: number;
  /** How long a health answer is reused by list_sources. */
  healthTtlMs: number;
  /** Changes whenever the answers' shape changes (config fingerprint); part of cache keys and cursors. */
  namespace: string;
}

export const DEFAULT_SETTINGS: Omit<FederationSettings, 'cursorSecret'> = {
  deadlineMs: 3000,
  // Measured with bench:federation (docs/federation-and-ranking.md#figures): scoring with global
  // statistics keeps a federation within 2 % of one index where ÷ mean of top 10 loses up to 10 %.
  fusion: { mode: 'global', rrfK: 60, normalization: 'mean', scoreWindow: 10 },
  breaker: DEFAULT_BREAKER_POLICY,
  cache: { searchTtlMs: 60_000, documentTtlMs: 300_000, statisticsTtlMs: 600_000 },
  maxLimit: 50,
  maxResultWindow: 1000,
  abortGraceMs: 1000,
  healthTtlMs: 5000,
  namespace: '',
};

export type FederationSettingsInput = Partial<Omit<FederationSettings, 'cursorSecret' | 'fusion' | 'breaker' | 'cache'>> & {
  cursorSecret: string | Uint8Array;
  fusion?: Partial<FusionSettings>;
  breaker?: Partial<BreakerPolicy>;
  cache?: Partial<FederationSettings['cache']>;
};

export function resolveSettings(input: FederationSettingsInput): FederationSettings {
  if (input.cursorSecret.length === 0) throw new Error('federation: cursorSecret must not be empty');
  return {
    ...DEFAULT_SETTINGS,
    ...input,
    fusion: { ...DEFAULT_SETTINGS.fusion, ...input.fusion },
    breaker: { ...DEFAULT_SETTINGS.breaker, ...input.breaker },
    cache: { ...DEFAULT_SETTINGS.cache, ...input.cache },
  };
}

/** pino-compatible subset; the composition root passes a child logger. */
export interface FederationLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** A logger whose lines all carry `bindings` (serialised once, as pino does). */
  child?(bindings: object): FederationLogger;
}

/** Writes one request's line of a prepared event: the request id and duration are all that vary. */
export type RequestLine = (requestId: string, tookMs: number) => void;

/**
 * Prepares the line `logger.child(bindings).info({ reqId, took_ms }, message)` writes, so that a
 * replayed search writes it without going through the logger; null where it cannot be prepared.
 */
export type RequestLines = (bindings: object, message: string) => RequestLine | null;

export type SourceOperation = 'search' | 'get' | 'health' | 'statistics';

/** Hooks for metrics (prom-client is wired by the composition root). Must not throw. */
export interface FederationObserver {
  /** One call to one source finished (or was refused by its breaker). */
  onSourceOutcome?(source: string, status: SourceStatus, ms: number, operation: SourceOperation): void;
  /** A source's circuit breaker changed state. */
  onBreakerStateChange?(source: string, state: BreakerState): void;
}

export interface FederationDeps {
  /** In config order; that order breaks fusion ties and orders every report. */
  sources: readonly FederatedSource[];
  settings: FederationSettingsInput;
  /** Default: no cache (every call fans out). */
  cache?: SearchCache;
  /** Milliseconds clock for timings and deadlines (default `performance.now`-based). */
  now?: () => number;
  logger: FederationLogger;
  /** How a replayed search's line is written (default: through `logger.child`, once per page). */
  requestLines?: RequestLines;
  observer?: FederationObserver;
  /**
   * Each source's ingest generation (the cache layer's store), so remembered term statistics
   * are dropped when a source is re-ingested. Default: none (they live for `statisticsTtlMs`).
   */
  generations?: { read(sources: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, number> | null> };
  /** Where breaker state lives: Redis to share it between instances. Default: this process's memory. */
  breakerStore?: BreakerStateStore;
}
