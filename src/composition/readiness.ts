// What /readyz reports: whether any source answers its health check, each source's health, and
// whether the cache is degraded. Health answers are reused for a short time and shared by
// concurrent callers, so a burst of probes costs each backend one check, not one per probe.
import type { Connector } from '../../connectors/contract/types.js';
import type { ReadinessReport, SourceReadiness } from '../app.js';

export interface ReadinessDeps {
  sources: ReadonlyArray<{ name: string; kind: string; connector: Connector }>;
  cache: () => ReadinessReport['cache'];
  /** How long one round of health answers is reused (the status page's list_sources reuses its own for 5 s). */
  ttlMs: number;
  /** Longest wait for one round of health checks. */
  timeoutMs: number;
  now: () => number;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** From now on the instance reports not ready (a shutdown is draining it out of rotation). */
  markDraining(): void;
}

async function checkSource(source: ReadinessDeps['sources'][number], signal: AbortSignal): Promise<SourceReadiness> {
  try {
    const health = await source.connector.health(signal);
    return { name: source.name, kind: source.kind, ok: health.ok, detail: health.detail, document_count: health.documentCount ?? null };
  } catch {
    return { name: source.name, kind: source.kind, ok: false, detail: 'health check failed', document_count: null };
  }
}

export function createReadiness(deps: ReadinessDeps): Readiness {
  let draining = false;
  let round: { at: number; sources: Promise<SourceReadiness[]> } | null = null;

  function sourcesHealth(): Promise<SourceReadiness[]> {
    const now = deps.now();
    if (round === null || now - round.at >= deps.ttlMs) {
      const signal = AbortSignal.timeout(deps.timeoutMs);
      round = { at: now, sources: Promise.all(deps.sources.map((source) => checkSource(source, signal))) };
    }
    return round.sources;
  }

  return {
    async check() {
      const sources = await sourcesHealth();
      // No sources at all (an app over a given service) is nothing unreachable: ready.
      const reachable = sources.length === 0 || sources.some((source) => source.ok);
      return { ready: !draining && reachable, sources, cache: deps.cache() };
    },
    markDraining() {
      draining = true;
    },
  };
}
