// OTEL_TRACES_EXPORTER=console: one JSON line per finished span on a stream (stderr by default),
// because the SDK's console exporter prints with console.dir to stdout, which in stdio mode
// carries JSON-RPC and in serve mode carries the log.
import type { Writable } from 'node:stream';
import { ExportResultCode, type ExportResult, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly stream: Writable) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      const line = {
        traceId,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId ?? null,
        name: span.name,
        kind: span.kind,
        startUs: hrTimeToMicroseconds(span.startTime),
        durationUs: hrTimeToMicroseconds(span.duration),
        status: span.status,
        attributes: span.attributes,
      };
      this.stream.write(`${JSON.stringify(line)}\n`);
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}
