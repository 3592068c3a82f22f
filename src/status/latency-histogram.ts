// A fixed-size log-scale latency histogram: O(1) to record, bounded memory, percentiles within
// about ±5 % (each bucket is 10 % wide), clamped to the exact smallest and largest sample.

const SMALLEST_MS = 0.1;
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
/** 0.1 ms · 1.1^170 ≈ 11 000 s: every real latency fits. */
export const BUCKET_COUNT = 171;

export function bucketOf(ms: number): number {
  if (!(ms > SMALLEST_MS)) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.ceil(Math.log(ms / SMALLEST_MS) / LOG_GROWTH));
}

/** The geometric middle of a bucket: the estimate with the smallest relative error. */
function representativeOf(bucket: number): number {
  return bucket === 0 ? SMALLEST_MS : SMALLEST_MS * GROWTH ** (bucket - 0.5);
}

export interface LatencyHistogram {
  counts: Uint32Array;
  total: number;
  min: number;
  max: number;
}

export function createHistogram(): LatencyHistogram {
  return { counts: new Uint32Array(BUCKET_COUNT), total: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}

export function recordLatency(histogram: LatencyHistogram, ms: number): void {
  const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
  histogram.counts[bucketOf(value)]! += 1;
  histogram.total += 1;
  if (value < histogram.min) histogram.min = value;
  if (value > histogram.max) histogram.max = value;
}

export function resetHistogram(histogram: LatencyHistogram): void {
  histogram.counts.fill(0);
  histogram.total = 0;
  histogram.min = Number.POSITIVE_INFINITY;
  histogram.max = Number.NEGATIVE_INFINITY;
}

export function mergeInto(target: LatencyHistogram, source: LatencyHistogram): void {
  for (let index = 0; index < BUCKET_COUNT; index += 1) target.counts[index]! += source.counts[index]!;
  target.total += source.total;
  target.min = Math.min(target.min, source.min);
  target.max = Math.max(target.max, source.max);
}

/** The value below which `quantile` (0..1) of the samples lie (nearest-rank); null when empty. */
export function percentile(histogram: LatencyHistogram, quantile: number): number | null {
  if (histogram.total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * histogram.total));
  let seen = 0;
  for (let index = 0; index < BUCKET_COUNT; index += 1) {
    seen += histogram.counts[index]!;
    if (seen >= rank) return Math.min(histogram.max, Math.max(histogram.min, representativeOf(index)));
  }
  return histogram.max;
}
