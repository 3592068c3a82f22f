// The server exactly as `serve` assembles it (src/composition/assemble.ts), in-process on an
// ephemeral loopback port: over a given service (edge tests) or given connectors (fault tests).
import type { ApiKey, AppConfig } from '../../src/config/load-config.js';
import { assembleServer, type AssembledServer, type ServerOverrides } from '../../src/composition/assemble.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { RunningServer } from '../../src/server.js';
import { testConfig } from './test-config.js';

export interface TestAppOptions extends ServerOverrides {
  keys?: ApiKey[];
  allowedOrigins?: string[];
  bodyLimitBytes?: number;
  rateLimitPerMinute?: number;
  oauth?: AppConfig['oauth'];
  /** A fixed port (when the URL must be known before start, as PUBLIC_URL is); default: any free one. */
  port?: number;
  /** Any other config field (host, tls, trustProxy, …). */
  config?: Partial<AppConfig>;
}

export interface TestApp extends RunningServer {
  assembled: AssembledServer;
}

export function testAppConfig(options: TestAppOptions): AppConfig {
  return testConfig({
    auth: { mode: 'apikey', keys: options.keys ?? [] },
    allowedOrigins: options.allowedOrigins ?? [],
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    oauth: options.oauth ?? null,
    port: options.port ?? 0,
    ...options.config,
  });
}

/** Assembles without listening (for tests that drive `app.handleRequest` or listen themselves). */
export function assembleTestApp(options: TestAppOptions): Promise<AssembledServer> {
  const {
    keys: _keys,
    allowedOrigins: _origins,
    bodyLimitBytes: _limit,
    rateLimitPerMinute: _rate,
    oauth: _oauth,
    port: _port,
    config: _config,
    ...overrides
  } = options;
  return assembleServer(testAppConfig(options), {
    logger: createLogger('silent'),
    metrics: createMetrics({ defaultMetrics: false }),
    ...(overrides.service && !overrides.sources ? { sources: [] } : {}),
    ...overrides,
  });
}

export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const assembled = await assembleTestApp(options);
  const running = await assembled.listen();
  return { ...running, assembled, close: () => assembled.close() };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text };
}
