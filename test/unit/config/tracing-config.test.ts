// The OTEL_* variables: off by default, the standard endpoint rules, and bad values refused by name.
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/config/env-schema.js';
import { tracingConfigFrom } from '../../../src/config/tracing-config.js';

const tracingOf = (env: Record<string, string>) => tracingConfigFrom(envSchema.parse(env));

describe('tracing configuration', () => {
  it('is off unless OTEL_TRACES_EXPORTER asks', () => {
    expect(tracingOf({}).exporter).toBe('none');
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'console' }).exporter).toBe('console');
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).exporter).toBe('none');
  });

  it('sends OTLP to <endpoint>/v1/traces unless a traces endpoint is given', () => {
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' }).otlpTracesUrl).toBe('http://localhost:4318/v1/traces');
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl).toBe('http://collector:4318/v1/traces');
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/traces' }).otlpTracesUrl).toBe(
      'http://b/traces',
    );
    expect(tracingOf({ OTEL_SERVICE_NAME: 'kb-search' }).serviceName).toBe('kb-search');
  });

  it('refuses an exporter it does not have, naming the variable', () => {
    const parsed = envSchema.safeParse({ OTEL_TRACES_EXPORTER: 'zipkin' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['OTEL_TRACES_EXPORTER']);
  });
});
