// Traces over real HTTP, exported to the SDK's in-memory exporter: request → tool call → source
// calls (and the cache lookup) with the right parents and attributes, a caller's traceparent
// continued, and nothing recorded once tracing is stopped.
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { createCacheLayer } from '../../../src/cache/create-cache.js';
import { createFederation } from '../../../src/federation/federation.js';
import { createLogger } from '../../../src/logger.js';
import type { RunningServer } from '../../../src/server.js';
import { startTracing, type Tracing } from '../../../src/telemetry/start-tracing.js';
import { isTracing } from '../../../src/telemetry/tracing.js';
import { postJson, startTestApp } from '../../helpers/start-test-app.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: RunningServer;
let closeCache: () => Promise<void>;

function documents(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i + 1}`,
    title: `Rollback guide ${prefix} ${i + 1}`,
    text: 'How to roll back a deploy.',
  }));
}

beforeAll(async () => {
  tracing = await startTracing({ exporter: 'none', otlpTracesUrl: '', serviceName: 'test' }, { spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const logger = createLogger('silent');
  const cacheLayer = createCacheLayer({ link: null, logger });
  closeCache = cacheLayer.close;
  const sources = [
    new ScriptedConnector({ name: 'handbook', documents: documents('h', 3) }),
    new ScriptedConnector({ name: 'broken', behaviour: { fail: { message: 'backend down', expose: true } } }),
  ];
  const federation = createFederation({
    sources: sources.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 2000, max_concurrency: 4 } })),
    settings: { cursorSecret: 'trace-test' },
    cache: cacheLayer.cache,
    logger,
  });
  server = await startTestApp({ service: federation });
});

afterAll(async () => {
  await server?.close();
  await closeCache?.();
  await tracing?.shutdown();
});

afterEach(() => exporter.reset());

function search(query: string, headers: Record<string, string> = {}) {
  return postJson(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_documents', arguments: { query } } }, headers);
}

/** Spans end after the response is written: wait until the server span is in. */
async function finishedSpans(): Promise<ReadableSpan[]> {
  for (let i = 0; i < 50 && !exporter.getFinishedSpans().some((span) => span.kind === 1); i++) await new Promise((r) => setTimeout(r, 10));
  return exporter.getFinishedSpans();
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

function only(spans: ReadableSpan[], test: (span: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(test);
  expect(found).toHaveLength(1);
  return found[0] as ReadableSpan;
}
const named = (name: string) => (span: ReadableSpan) => span.name === name;
const ofSource = (name: string) => (span: ReadableSpan) => span.attributes['knowledge_mcp.source.name'] === name;

describe('tracing', () => {
  it('gives one search over two sources request → tool → source spans, continuing the caller’s traceparent', async () => {
    const response = await search('roll back', { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(response.status).toBe(200);
    const spans = await finishedSpans();

    const request = only(spans, named('POST /mcp'));
    expect(request.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(request)).toBe(CALLER_SPAN_ID);
    expect(request.attributes['http.response.status_code']).toBe(200);

    const tool = only(spans, named('tools/call search_documents'));
    expect(parentOf(tool)).toBe(request.spanContext().spanId);
    expect(tool.attributes['gen_ai.tool.name']).toBe('search_documents');

    const sourceSpans = spans.filter((span) => span.attributes['knowledge_mcp.source.name'] !== undefined);
    expect(sourceSpans.map((span) => span.attributes['knowledge_mcp.source.name']).sort()).toEqual(['broken', 'handbook']);
    for (const span of sourceSpans) {
      expect(parentOf(span)).toBe(tool.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.attributes['knowledge_mcp.source.kind']).toBe('scripted');
    }
    const handbook = only(sourceSpans, ofSource('handbook'));
    expect(handbook.attributes['knowledge_mcp.source.status']).toBe('ok');
    expect(handbook.attributes['knowledge_mcp.source.hits']).toBe(3);
    const broken = only(sourceSpans, ofSource('broken'));
    expect(broken.attributes['knowledge_mcp.source.status']).toBe('error');

    const lookup = only(spans, named('cache lookup'));
    expect(lookup.attributes['knowledge_mcp.cache.result']).toBe('miss');
    expect(parentOf(lookup)).toBe(tool.spanContext().spanId);
  });

  it('starts a new trace without a traceparent, and records a cache hit with no source calls', async () => {
    // Only a complete (non-partial) answer is cached: ask for the healthy source alone, twice.
    const ask = () =>
      postJson(server.url, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'search_documents', arguments: { query: 'rollback guide', sources: ['handbook'] } },
      });
    await ask();
    await finishedSpans();
    exporter.reset();
    await ask();
    const spans = await finishedSpans();
    const request = only(spans, named('POST /mcp'));
    expect(parentOf(request)).toBeUndefined();
    expect(request.spanContext().traceId).not.toBe(TRACE_ID);
    expect(only(spans, named('cache lookup')).attributes['knowledge_mcp.cache.result']).toBe('hit');
    expect(spans.filter((span) => span.attributes['knowledge_mcp.source.name'] !== undefined)).toEqual([]);
  });

  it('names a Koa route’s span after the route', async () => {
    await fetch(`${server.url}/healthz`);
    const spans = await finishedSpans();
    expect(spans.map((span) => span.name)).toContain('GET /healthz');
  });

  it('records nothing once stopped', async () => {
    await tracing.shutdown();
    expect(isTracing()).toBe(false);
    await search('roll back');
    await new Promise((r) => setTimeout(r, 50));
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
