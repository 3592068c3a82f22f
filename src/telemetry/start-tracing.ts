// Turns tracing on when the OTEL_* settings ask for it: loads the SDK lazily (a server without
// tracing never imports it), registers the W3C propagator and the async context manager, and
// installs the tracer the hooks in tracing.ts use. Stopping flushes and removes it all again.
import type { Writable } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/tracing-config.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import { installTracer } from './tracing.js';

export interface Tracing {
  /** Flushes spans not yet exported and turns tracing off. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { shutdown: async () => undefined };

export interface StartTracingOptions {
  /** Where the `console` exporter writes (stderr by default: stdout may carry JSON-RPC). */
  consoleStream?: Writable;
  /** Replaces the exporters the config names (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
}

export async function startTracing(
  config: Pick<TracingConfig, 'exporter' | 'otlpTracesUrl' | 'serviceName'>,
  options: StartTracingOptions = {},
): Promise<Tracing> {
  if (config.exporter === 'none' && options.spanProcessors === undefined) return OFF;
  const [{ NodeTracerProvider }, { BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  let spanProcessors = options.spanProcessors;
  if (spanProcessors === undefined) {
    if (config.exporter === 'otlp') {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      spanProcessors = [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesUrl }))];
    } else {
      const { JsonLinesSpanExporter } = await import('./json-lines-exporter.js');
      spanProcessors = [new SimpleSpanProcessor(new JsonLinesSpanExporter(options.consoleStream ?? process.stderr))];
    }
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': SERVER_VERSION }),
    spanProcessors,
  });
  // Global registration lets libraries that speak the API (the Elasticsearch client does) add
  // their spans under ours.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  installTracer(provider.getTracer(SERVER_NAME, SERVER_VERSION));
  return {
    async shutdown() {
      installTracer(null);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
