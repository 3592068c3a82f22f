// The spans of DESIGN §8 (request, tool call, source call, cache lookup), made through the
// OpenTelemetry API only. Off until start-tracing.ts installs a tracer: every hook checks
// `tracer` first, so a server without OTEL_* variables creates no spans and no contexts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

let tracer: Tracer | null = null;

/** Installs (or, with null, removes) the tracer every hook uses. */
export function installTracer(next: Tracer | null): void {
  tracer = next;
}

export function isTracing(): boolean {
  return tracer !== null;
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Runs `work` with `span` active, ending the span when it settles. */
async function runActive<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(context.active(), span), work);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * One server span per HTTP request, continuing the caller's W3C `traceparent`. `handle` runs
 * inside it (synchronously; its async continuations keep the context), and the span ends when
 * the response is finished or the connection closes. `route` names it when already known.
 */
export function traceHttpRequest(req: IncomingMessage, res: ServerResponse, route: string | null, handle: () => void): void {
  if (tracer === null) {
    handle();
    return;
  }
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    route === null ? method : `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path, ...(route === null ? {} : { 'http.route': route }) } },
    parent,
  );
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(trace.setSpan(parent, span), handle);
}

/** Names the current request span after the route that answered it (low cardinality). */
export function nameRequestSpan(method: string, route: string): void {
  if (tracer === null) return;
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}

/** A span per tool call (MCP, REST or stdio); `isError` results mark it as an error. */
export function traceToolCall<T extends { isError: boolean }>(tool: string, work: () => Promise<T>): Promise<T> {
  if (tracer === null) return work();
  const span = tracer.startSpan(`tools/call ${tool}`, {
    kind: SpanKind.INTERNAL,
    attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': tool, 'gen_ai.operation.name': 'execute_tool' },
  });
  return runActive(span, async () => {
    const result = await work();
    span.setAttribute('knowledge_mcp.tool.outcome', result.isError ? 'tool_error' : 'ok');
    if (result.isError) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  });
}

/** What a source call ended with (the source guard's outcome). */
interface SourceOutcome {
  status: string;
  value?: unknown;
}

/** A client span per call into a source (search, get, …), with its status and, for searches, the hit count. */
export function traceSourceCall<T extends SourceOutcome>(source: { name: string; kind: string }, operation: string, work: () => Promise<T>): Promise<T> {
  if (tracer === null) return work();
  const span = tracer.startSpan(`source ${operation} ${source.name}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'knowledge_mcp.source.name': source.name, 'knowledge_mcp.source.kind': source.kind, 'knowledge_mcp.source.operation': operation },
  });
  return runActive(span, async () => {
    const outcome = await work();
    span.setAttribute('knowledge_mcp.source.status', outcome.status);
    if (Array.isArray(outcome.value)) span.setAttribute('knowledge_mcp.source.hits', outcome.value.length);
    if (outcome.status !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.status });
    return outcome;
  });
}

/**
 * A span for one cache lookup: started before the store is read, ended with its result before
 * any computation, so the source calls of a miss stay children of the tool call. Null when off.
 */
export function startCacheLookup(label: string): Span | null {
  if (tracer === null) return null;
  return tracer.startSpan('cache lookup', { kind: SpanKind.INTERNAL, attributes: { 'knowledge_mcp.cache.namespace': label } });
}

export function endCacheLookup(span: Span | null, result: 'hit' | 'miss' | 'stale' | 'bypass'): void {
  if (span === null) return;
  span.setAttribute('knowledge_mcp.cache.result', result);
  span.end();
}
