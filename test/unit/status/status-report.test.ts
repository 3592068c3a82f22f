import { describe, expect, it } from 'vitest';
import { createSourceStatsRecorder } from '../../../src/status/source-stats.js';
import { buildStatusReport } from '../../../src/status/status-report.js';

const server = { name: 'knowledge-mcp', version: '1.2.3', protocolVersions: { legacy: ['2025-11-25'], stateless: ['2026-07-28'] } };

describe('buildStatusReport', () => {
  it('joins the listed sources with their window figures, the cache and the server facts', () => {
    const stats = createSourceStatsRecorder({ now: () => 0, windowMs: 120_000 });
    stats.onSourceOutcome('handbook', 'ok', 12.345, 'search');
    stats.onSourceOutcome('handbook', 'error', 3.21, 'search');
    stats.onSourceOutcome('secret', 'ok', 1, 'search');
    const report = buildStatusReport({
      server,
      mcpUrl: 'https://kb.example.com/mcp',
      keyName: 'ci',
      authRequired: true,
      sources: [{ name: 'handbook', kind: 'postgres', description: 'Handbook', status: 'degraded', document_count: 42 }],
      stats,
      cache: { kind: 'redis', degraded: true, hitRatio: 0.5, hits: 1, misses: 1 },
      generatedAt: new Date('2025-01-01T00:00:00Z'),
    });
    expect(report).toEqual({
      server: {
        name: 'knowledge-mcp',
        version: '1.2.3',
        protocol_versions: { legacy: ['2025-11-25'], stateless: ['2026-07-28'] },
        mcp_url: 'https://kb.example.com/mcp',
      },
      caller: { key_name: 'ci', auth_required: true },
      window_ms: 120_000,
      generated_at: '2025-01-01T00:00:00.000Z',
      sources: [
        {
          name: 'handbook',
          kind: 'postgres',
          description: 'Handbook',
          status: 'degraded',
          document_count: 42,
          breaker: 'closed',
          window: { requests: 2, errors: 1, refused: 0, error_rate: 0.5, p50_ms: 3.2, p99_ms: 12 },
        },
      ],
      cache: { kind: 'redis', degraded: true, hit_ratio: 0.5, hits: 1, misses: 1 },
    });
  });

  it('shows a suspended source as an open breaker even when this instance never saw it open', () => {
    const stats = createSourceStatsRecorder({ now: () => 0 });
    const report = buildStatusReport({
      server,
      mcpUrl: 'http://127.0.0.1:3000/mcp',
      keyName: null,
      authRequired: false,
      sources: [{ name: 'es', kind: 'elasticsearch', description: '', status: 'suspended', document_count: null }],
      stats,
      cache: null,
      generatedAt: new Date(0),
    });
    expect(report.sources[0]?.breaker).toBe('open');
    expect(report.cache).toBeNull();
  });
});
