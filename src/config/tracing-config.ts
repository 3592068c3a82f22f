// The tracing settings from the standard OTEL_* variables (parsed by env-schema.ts).
import type { EnvConfig } from './env-schema.js';

export interface TracingConfig {
  /** Where spans go; `none` means no SDK is loaded at all. */
  exporter: 'none' | 'otlp' | 'console';
  /** Full OTLP/HTTP traces URL (`…/v1/traces`). */
  otlpTracesUrl: string;
  serviceName: string;
}

export function tracingConfigFrom(
  env: Pick<
    EnvConfig,
    'OTEL_TRACES_EXPORTER' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_SDK_DISABLED'
  >,
): TracingConfig {
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
  return {
    exporter: env.OTEL_SDK_DISABLED ? 'none' : env.OTEL_TRACES_EXPORTER,
    otlpTracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
    serviceName: env.OTEL_SERVICE_NAME,
  };
}
