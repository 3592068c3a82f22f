// Prometheus metrics (DESIGN §8): one registry per app instance so tests don't share state.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { CounterTally, HistogramTally } from './metric-tallies.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'status'>;
  /** Counts httpRequests on the hot path (route, status). */
  httpRequestTally: CounterTally;
  mcpRequests: Counter<'method' | 'tool' | 'outcome'>;
  /** Counts mcpRequests on the hot path (method, tool, outcome). */
  mcpRequestTally: CounterTally;
  /** MCP request latency by (method, tool), observed on the hot path. */
  mcpLatency: HistogramTally;
  sourceRequests: Counter<'source' | 'operation' | 'status'>;
  /** Source call latency by (source, operation). */
  sourceLatency: HistogramTally;
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
    mcpLatency: new HistogramTally({
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
    sourceLatency: new HistogramTally({
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
