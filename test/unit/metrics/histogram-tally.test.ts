import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramTally } from '../../../src/metric-tallies.js';
import { createMetrics } from '../../../src/metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number]> = [
  ['tools/call', 'search_documents', 0.0004],
  ['tools/call', 'search_documents', 0.001], // on a bound: counted in that bucket (le is ≤)
  ['tools/call', 'search_documents', 0.05],
  ['tools/call', 'get_document', 0.5],
  ['tools/call', 'get_document', 7], // above every bound: +Inf only
  ['tools/call', 'search_documents', 0.002],
];

describe('HistogramTally', () => {
  it('scrapes as the same exposition as prom-client’s Histogram fed the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const tally = new HistogramTally({ name: 'latency_seconds', help: 'h', labelNames: ['method', 'tool'], buckets: BUCKETS, registers: [ours] });
    const histogram = new Histogram({ name: 'latency_seconds', help: 'h', labelNames: ['method', 'tool'], buckets: BUCKETS, registers: [theirs] });
    for (const [method, tool, value] of OBSERVATIONS) {
      tally.of(method, tool).observe(value);
      histogram.observe({ method, tool }, value);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('latency_seconds_bucket{le="0.001",method="tools/call",tool="search_documents"} 2');
    expect(text).toContain('latency_seconds_bucket{le="+Inf",method="tools/call",tool="get_document"} 2');
    expect(text).toContain('latency_seconds_count{method="tools/call",tool="search_documents"} 4');
    // the JSON view too (prom-client adds an empty exemplar to each bucket; this metric has none)
    const samples = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map(({ values, ...metric }) => ({
        ...metric,
        values: (values as Array<{ metricName?: string; labels: object; value: number }>).map(({ metricName, labels, value }) => ({
          metricName,
          labels,
          value,
        })),
      }));
    expect(await samples(ours)).toEqual(await samples(theirs));
  });

  it('ignores a value that is not a finite number, and forgets everything on reset', async () => {
    const registry = new Registry();
    const tally = new HistogramTally({ name: 'd_seconds', help: 'h', labelNames: ['tool'], buckets: BUCKETS, registers: [registry] });
    tally.of('search_documents').observe(Number.NaN);
    tally.of('search_documents').observe(0.2);
    expect(await registry.metrics()).toContain('d_seconds_count{tool="search_documents"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('d_seconds_count{tool="search_documents"} 0');
  });

  it('is the MCP latency metric the server scrapes', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.mcpLatency.of('tools/call', 'search_documents').observe(0.003);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE knowledge_mcp_mcp_request_duration_seconds histogram');
    expect(text).toContain('knowledge_mcp_mcp_request_duration_seconds_bucket{le="0.005",method="tools/call",tool="search_documents"} 1');
    expect(text).toContain('knowledge_mcp_mcp_request_duration_seconds_sum{method="tools/call",tool="search_documents"} 0.003');
  });
});
