import { describe, expect, it } from 'vitest';
import { combineObservers, createSourceStatsRecorder } from '../../../src/status/source-stats.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createSourceStatsRecorder', () => {
  it('reports nothing for a source it has not heard of', () => {
    const recorder = createSourceStatsRecorder({ now: () => 0 });
    expect(recorder.stats('nobody')).toEqual({ requests: 0, errors: 0, refused: 0, error_rate: null, p50_ms: null, p99_ms: null, breaker: 'closed' });
  });

  it('computes p50, p99 and the error rate of search and get calls per source', () => {
    const time = clock();
    const recorder = createSourceStatsRecorder({ now: time.now, windowMs: 60_000 });
    for (let i = 0; i < 90; i += 1) recorder.onSourceOutcome('wiki', 'ok', 10, 'search');
    for (let i = 0; i < 5; i += 1) recorder.onSourceOutcome('wiki', 'error', 50, 'get');
    for (let i = 0; i < 5; i += 1) recorder.onSourceOutcome('wiki', 'timeout', 2000, 'search');
    recorder.onSourceOutcome('other', 'ok', 1, 'search');
    const stats = recorder.stats('wiki');
    expect(stats.requests).toBe(100);
    expect(stats.errors).toBe(10);
    expect(stats.error_rate).toBeCloseTo(0.1);
    expect(stats.p50_ms).toBeCloseTo(10, 0);
    expect(stats.p99_ms!).toBeGreaterThan(1900);
    expect(recorder.stats('other').requests).toBe(1);
  });

  it('ignores health checks and skipped sources, and counts breaker refusals apart', () => {
    const recorder = createSourceStatsRecorder({ now: () => 5 });
    recorder.onSourceOutcome('pg', 'error', 3, 'health');
    recorder.onSourceOutcome('pg', 'skipped', 0, 'search');
    recorder.onSourceOutcome('pg', 'suspended', 0, 'search');
    recorder.onSourceOutcome('pg', 'suspended', 0, 'get');
    const stats = recorder.stats('pg');
    expect(stats).toMatchObject({ requests: 0, errors: 0, refused: 2, error_rate: null, p50_ms: null });
  });

  it('forgets calls older than the window, bucket by bucket', () => {
    const time = clock(0);
    const recorder = createSourceStatsRecorder({ now: time.now, windowMs: 60_000, bucketMs: 10_000 });
    recorder.onSourceOutcome('es', 'error', 100, 'search');
    time.advance(30_000);
    recorder.onSourceOutcome('es', 'ok', 5, 'search');
    expect(recorder.stats('es')).toMatchObject({ requests: 2, errors: 1 });
    time.advance(35_000); // the first call is now 65 s old
    expect(recorder.stats('es')).toMatchObject({ requests: 1, errors: 0, error_rate: 0, p99_ms: 5 });
    time.advance(60_000);
    expect(recorder.stats('es')).toMatchObject({ requests: 0, error_rate: null, p50_ms: null });
  });

  it('does not mix a reused ring slot with its previous lap', () => {
    const time = clock(0);
    const recorder = createSourceStatsRecorder({ now: time.now, windowMs: 30_000, bucketMs: 10_000 });
    recorder.onSourceOutcome('es', 'error', 100, 'search');
    time.advance(30_000); // same slot index, next lap
    recorder.onSourceOutcome('es', 'ok', 1, 'search');
    expect(recorder.stats('es')).toMatchObject({ requests: 1, errors: 0 });
  });

  it('remembers the last breaker state per source', () => {
    const recorder = createSourceStatsRecorder({ now: () => 0 });
    recorder.onBreakerStateChange('es', 'open');
    expect(recorder.stats('es').breaker).toBe('open');
    recorder.onBreakerStateChange('es', 'half-open');
    expect(recorder.stats('es').breaker).toBe('half-open');
    expect(recorder.stats('pg').breaker).toBe('closed');
  });
});

describe('combineObservers', () => {
  it('forwards every hook to each observer', () => {
    const seen: string[] = [];
    const combined = combineObservers(
      { onSourceOutcome: (source, status) => seen.push(`a:${source}:${status}`) },
      { onSourceOutcome: (source, status) => seen.push(`b:${source}:${status}`), onBreakerStateChange: (source, state) => seen.push(`b:${source}:${state}`) },
    );
    combined.onSourceOutcome('pg', 'ok', 1, 'search');
    combined.onBreakerStateChange('pg', 'open');
    expect(seen).toEqual(['a:pg:ok', 'b:pg:ok', 'b:pg:open']);
  });
});
