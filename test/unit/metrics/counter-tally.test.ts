import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics.js';

const sampleValue = async (metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) => {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
};

describe('hot-path counter tallies', () => {
  it('show in the scrape what was counted, per label set, and only add what is new on the next scrape', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 3; i += 1) metrics.httpRequestTally.of('/mcp', 200).inc();
    metrics.httpRequestTally.of('/mcp', 401).inc();
    metrics.mcpRequestTally.of('tools/call', 'search_documents', 'ok').inc();
    expect(await sampleValue(metrics, 'knowledge_mcp_http_requests_total', { route: '/mcp', status: '200' })).toBe(3);
    expect(await sampleValue(metrics, 'knowledge_mcp_http_requests_total', { route: '/mcp', status: '401' })).toBe(1);
    expect(await sampleValue(metrics, 'knowledge_mcp_mcp_requests_total', { method: 'tools/call', tool: 'search_documents', outcome: 'ok' })).toBe(1);
    metrics.httpRequestTally.of('/mcp', 200).inc();
    expect(await sampleValue(metrics, 'knowledge_mcp_http_requests_total', { route: '/mcp', status: '200' })).toBe(4);
    expect(await metrics.registry.metrics()).toContain('knowledge_mcp_http_requests_total{route="/mcp",status="200"} 4');
  });
});
