// Builds the body of GET /status.json from its parts; pure, so its tests need no server.
import type { SourceInfo } from '../federation/types.js';
import type { CacheWindowStats } from './cache-stats.js';
import type { BreakerState } from '../federation/breaker-state.js';
import type { SourceStatsReader, SourceWindowStats } from './source-stats.js';

export interface ServerInfo {
  name: string;
  version: string;
  protocolVersions: { legacy: readonly string[]; stateless: readonly string[] };
}

export interface SourceStatusRow {
  name: string;
  kind: string;
  description: string;
  status: SourceInfo['status'];
  document_count: number | null;
  breaker: BreakerState;
  window: Omit<SourceWindowStats, 'breaker'>;
}

export interface StatusReport {
  server: { name: string; version: string; protocol_versions: { legacy: string[]; stateless: string[] }; mcp_url: string };
  /** Which key the page is using; `auth_required` false = loopback without keys. */
  caller: { key_name: string | null; auth_required: boolean };
  window_ms: number;
  generated_at: string;
  sources: SourceStatusRow[];
  /** Null when the status could not be read (e.g. no cache wired). */
  cache: { kind: CacheWindowStats['kind']; degraded: boolean; hit_ratio: number | null; hits: number; misses: number } | null;
}

export interface StatusReportParts {
  server: ServerInfo;
  mcpUrl: string;
  keyName: string | null;
  authRequired: boolean;
  /** Already limited to what the caller's key may see (list_sources does that). */
  sources: readonly SourceInfo[];
  stats: SourceStatsReader;
  cache: CacheWindowStats | null;
  generatedAt: Date;
}

export function buildStatusReport(parts: StatusReportParts): StatusReport {
  return {
    server: {
      name: parts.server.name,
      version: parts.server.version,
      protocol_versions: { legacy: [...parts.server.protocolVersions.legacy], stateless: [...parts.server.protocolVersions.stateless] },
      mcp_url: parts.mcpUrl,
    },
    caller: { key_name: parts.keyName, auth_required: parts.authRequired },
    window_ms: parts.stats.windowMs,
    generated_at: parts.generatedAt.toISOString(),
    sources: parts.sources.map((source) => {
      const { breaker: recorded, ...window } = parts.stats.stats(source.name);
      // The breaker may live in Redis and have opened on another instance: list_sources saw it.
      const breaker: BreakerState = source.status === 'suspended' ? 'open' : recorded;
      return {
        name: source.name,
        kind: source.kind,
        description: source.description,
        status: source.status,
        document_count: source.document_count,
        breaker,
        window: { ...window, p50_ms: roundMs(window.p50_ms), p99_ms: roundMs(window.p99_ms) },
      };
    }),
    cache: parts.cache
      ? { kind: parts.cache.kind, degraded: parts.cache.degraded, hit_ratio: parts.cache.hitRatio, hits: parts.cache.hits, misses: parts.cache.misses }
      : null,
  };
}

function roundMs(ms: number | null): number | null {
  if (ms === null) return null;
  return ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms);
}
