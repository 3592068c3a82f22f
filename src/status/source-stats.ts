// Per-source statistics over a rolling window for the status page: p50/p99 latency and error
// rate of search/get calls, calls refused by the breaker, and the breaker's last known state.
// Plugs into the federation as (part of) its observer; memory is bounded per source.
import type { BreakerState } from '../federation/breaker-state.js';
import type { FederationObserver, SourceOperation } from '../federation/settings.js';
import type { SourceStatus } from '../federation/types.js';
import { createHistogram, mergeInto, percentile, recordLatency, resetHistogram, type LatencyHistogram } from './latency-histogram.js';

export interface SourceWindowStats {
  /** search/get calls that reached the source (ok, error or timeout). */
  requests: number;
  /** Of those, calls that failed or timed out. */
  errors: number;
  /** Calls the breaker refused without asking the source. */
  refused: number;
  /** errors / requests; null when there were no requests. */
  error_rate: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  breaker: BreakerState;
}

export interface SourceStatsReader {
  /** Statistics of one source over the window ending now (zeros for an unknown source). */
  stats(source: string): SourceWindowStats;
  readonly windowMs: number;
}

export interface SourceStatsRecorder extends Required<FederationObserver>, SourceStatsReader {}

export interface SourceStatsOptions {
  /** Milliseconds clock (monotonic is best). */
  now: () => number;
  /** How far back the figures reach (default 5 minutes). */
  windowMs?: number;
  /** Granularity: the window slides by whole buckets (default windowMs / 30). */
  bucketMs?: number;
  /** Which calls count (default search and get; health checks are the status page's own probing). */
  operations?: readonly SourceOperation[];
}

interface Slot {
  /** Which bucket of time this slot currently holds; -1 = never used. */
  epoch: number;
  latency: LatencyHistogram;
  errors: number;
  refused: number;
}

interface SourceRing {
  slots: Slot[];
  breaker: BreakerState;
}

const DEFAULT_WINDOW_MS = 5 * 60_000;
const BUCKETS_PER_WINDOW = 30;

export function createSourceStatsRecorder(options: SourceStatsOptions): SourceStatsRecorder {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const bucketMs = options.bucketMs ?? Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW));
  const slotCount = Math.max(1, Math.ceil(windowMs / bucketMs));
  const counted = new Set<SourceOperation>(options.operations ?? ['search', 'get']);
  const rings = new Map<string, SourceRing>();

  function ringOf(source: string): SourceRing {
    let ring = rings.get(source);
    if (!ring) {
      ring = {
        slots: Array.from({ length: slotCount }, () => ({ epoch: -1, latency: createHistogram(), errors: 0, refused: 0 })),
        breaker: 'closed',
      };
      rings.set(source, ring);
    }
    return ring;
  }

  function currentSlot(ring: SourceRing): Slot {
    const epoch = Math.floor(options.now() / bucketMs);
    const slot = ring.slots[epoch % slotCount]!;
    if (slot.epoch !== epoch) {
      slot.epoch = epoch;
      resetHistogram(slot.latency);
      slot.errors = 0;
      slot.refused = 0;
    }
    return slot;
  }

  return {
    windowMs,
    onSourceOutcome(source: string, status: SourceStatus, ms: number, operation: SourceOperation) {
      if (!counted.has(operation) || status === 'skipped') return;
      const slot = currentSlot(ringOf(source));
      if (status === 'suspended') {
        slot.refused += 1;
        return;
      }
      recordLatency(slot.latency, ms);
      if (status !== 'ok') slot.errors += 1;
    },
    onBreakerStateChange(source: string, state: BreakerState) {
      ringOf(source).breaker = state;
    },
    stats(source: string): SourceWindowStats {
      const ring = rings.get(source);
      const merged = createHistogram();
      let errors = 0;
      let refused = 0;
      if (ring) {
        const newest = Math.floor(options.now() / bucketMs);
        for (const slot of ring.slots) {
          if (slot.epoch < 0 || slot.epoch <= newest - slotCount || slot.epoch > newest) continue;
          mergeInto(merged, slot.latency);
          errors += slot.errors;
          refused += slot.refused;
        }
      }
      return {
        requests: merged.total,
        errors,
        refused,
        error_rate: merged.total === 0 ? null : errors / merged.total,
        p50_ms: percentile(merged, 0.5),
        p99_ms: percentile(merged, 0.99),
        breaker: ring?.breaker ?? 'closed',
      };
    },
  };
}

/** One observer that forwards every hook to each given observer (metrics and the status page). */
export function combineObservers(...observers: FederationObserver[]): Required<FederationObserver> {
  return {
    onSourceOutcome(source, status, ms, operation) {
      for (const observer of observers) observer.onSourceOutcome?.(source, status, ms, operation);
    },
    onBreakerStateChange(source, state) {
      for (const observer of observers) observer.onBreakerStateChange?.(source, state);
    },
  };
}
