// Prometheus metrics (DESIGN §8): one registry per app instance so tests don't share state.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'status'>;
  /** Counts httpRequests on the hot path (route, status). */
  httpRequestTally: CounterTally;
  mcpRequests: Counter<'method' | 'tool' | 'outcome'>;
  /** Counts mcpRequests on the hot path (method, tool, outcome). */
  mcpRequestTally: CounterTally;
  mcpLatency: Histogram<'method' | 'tool'>;
  sourceRequests: Counter<'source' | 'operation' | 'status'>;
  sourceLatency: Histogram<'source' | 'operation'>;
  cacheEvents: Counter<'cache' | 'event'>;
  /** Counts cacheEvents on the hot path (cache, event): every cache hit. */
  cacheEventTally: CounterTally;
  cacheDegraded: Gauge;
  breakerOpen: Gauge<'source'>;
  rateLimited: Counter<'key'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const httpRequestTally = new CounterTally(['route', 'status']);
  const mcpRequestTally = new CounterTally(['method', 'tool', 'outcome']);
  const cacheEventTally = new CounterTally(['cache', 'event']);
  return {
    registry,
    httpRequests: new Counter({
      name: 'knowledge_mcp_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
      collect() {
        httpRequestTally.flushInto(this);
      },
    }),
    httpRequestTally,
    mcpRequests: new Counter({
      name: 'knowledge_mcp_mcp_requests_total',
      help: 'MCP requests by JSON-RPC method, tool and outcome (ok, tool_error, rpc_error)',
      labelNames: ['method', 'tool', 'outcome'],
      registers,
      collect() {
        mcpRequestTally.flushInto(this);
      },
    }),
    mcpRequestTally,
    mcpLatency: new Histogram({
      name: 'knowledge_mcp_mcp_request_duration_seconds',
      help: 'MCP request latency by method and tool',
      labelNames: ['method', 'tool'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    sourceRequests: new Counter({
      name: 'knowledge_mcp_source_requests_total',
      help: 'Calls to each source by operation and outcome (ok, timeout, error, suspended)',
      labelNames: ['source', 'operation', 'status'],
      registers,
    }),
    sourceLatency: new Histogram({
      name: 'knowledge_mcp_source_duration_seconds',
      help: 'Latency of each source by operation',
      labelNames: ['source', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    cacheEvents: new Counter({
      name: 'knowledge_mcp_cache_events_total',
      help: 'Cache hits, misses, stale serves and errors',
      labelNames: ['cache', 'event'],
      registers,
      collect() {
        cacheEventTally.flushInto(this);
      },
    }),
    cacheEventTally,
    cacheDegraded: new Gauge({
      name: 'knowledge_mcp_cache_degraded',
      help: '1 while the shared cache (Redis) is unreachable and answers bypass it',
      registers,
    }),
    breakerOpen: new Gauge({
      name: 'knowledge_mcp_source_suspended',
      help: '1 while the circuit breaker of a source is open',
      labelNames: ['source'],
      registers,
    }),
    rateLimited: new Counter({ name: 'knowledge_mcp_rate_limited_total', help: 'Requests refused by the per-key rate limit', labelNames: ['key'], registers }),
  };
}

class Tally {
  count = 0;
  reported = 0;
  constructor(readonly labels: Record<string, string>) {}

  inc(): void {
    this.count += 1;
  }
}

/**
 * Counts kept as plain numbers per label combination and added to their prom-client counter when
 * it is scraped (its `collect`): prom-client hashes the label set on every `inc()`, even through
 * `labels()`, which shows on a path that runs for every request.
 */
export class CounterTally {
  readonly #labelNames: readonly string[];
  readonly #tallies = new Map<string, Tally>();

  constructor(labelNames: readonly string[]) {
    this.#labelNames = labelNames;
  }

  /** The tally of one label combination (values in `labelNames` order), to `inc()`. */
  of(...values: Array<string | number>): { inc(): void } {
    const key = values.join('\u0000');
    let tally = this.#tallies.get(key);
    if (tally === undefined) {
      tally = new Tally(Object.fromEntries(this.#labelNames.map((name, index) => [name, String(values[index] ?? '')])));
      this.#tallies.set(key, tally);
    }
    return tally;
  }

  /** Adds what was counted since the last scrape. */
  flushInto(counter: Counter<string>): void {
    for (const tally of this.#tallies.values()) {
      if (tally.count > tally.reported) {
        counter.inc(tally.labels, tally.count - tally.reported);
        tally.reported = tally.count;
      }
    }
  }
}
