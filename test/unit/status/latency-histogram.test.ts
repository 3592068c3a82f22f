import { describe, expect, it } from 'vitest';
import { bucketOf, createHistogram, mergeInto, percentile, recordLatency } from '../../../src/status/latency-histogram.js';

describe('latency histogram', () => {
  it('is empty until something is recorded', () => {
    expect(percentile(createHistogram(), 0.5)).toBeNull();
  });

  it('estimates percentiles within the 10 % bucket width of the exact value', () => {
    const histogram = createHistogram();
    const samples = Array.from({ length: 1000 }, (_, index) => 1 + index * 0.5); // 1 .. 500.5 ms
    for (const ms of samples) recordLatency(histogram, ms);
    const exact = (q: number) => samples[Math.ceil(q * samples.length) - 1]!;
    for (const q of [0.5, 0.9, 0.99]) {
      const estimate = percentile(histogram, q)!;
      expect(Math.abs(estimate - exact(q)) / exact(q)).toBeLessThan(0.06);
    }
  });

  it('is exact for a single sample and never reports beyond the observed range', () => {
    const histogram = createHistogram();
    recordLatency(histogram, 42);
    expect(percentile(histogram, 0.5)).toBe(42);
    expect(percentile(histogram, 0.99)).toBe(42);
  });

  it('puts a slow tail into p99 but not p50', () => {
    const histogram = createHistogram();
    for (let i = 0; i < 98; i += 1) recordLatency(histogram, 5);
    recordLatency(histogram, 2000);
    recordLatency(histogram, 2000);
    expect(percentile(histogram, 0.5)).toBeCloseTo(5, 0);
    expect(percentile(histogram, 0.99)!).toBeGreaterThan(1800);
  });

  it('keeps zero, negative and absurd values inside its buckets', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    const histogram = createHistogram();
    recordLatency(histogram, 1e12);
    expect(percentile(histogram, 0.5)).toBe(1e12);
  });

  it('merges counts and ranges', () => {
    const a = createHistogram();
    const b = createHistogram();
    recordLatency(a, 1);
    recordLatency(b, 100);
    mergeInto(a, b);
    expect(a.total).toBe(2);
    expect(percentile(a, 0.99)).toBe(100);
    expect(percentile(a, 0.5)).toBeLessThan(1.1);
  });
});
