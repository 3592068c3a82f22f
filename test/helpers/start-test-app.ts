// Builds the Koa app around a given service and serves it on an ephemeral loopback port.
import type { ApiKey } from '../../src/config/load-config.js';
import { buildApp, type AppDependencies } from '../../src/app.js';
import type { SearchService } from '../../src/federation/types.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { startServer, type RunningServer } from '../../src/server.js';

export interface TestAppOptions {
  service: SearchService;
  keys?: ApiKey[];
  allowedOrigins?: string[];
  bodyLimitBytes?: number;
  rateLimiter?: AppDependencies['rateLimiter'];
  rateLimitPerMinute?: number;
  oauth?: AppDependencies['config']['oauth'];
  /** A fixed port (when the URL must be known before start, as PUBLIC_URL is); default: any free one. */
  port?: number;
}

export async function startTestApp(options: TestAppOptions): Promise<RunningServer> {
  const logger = createLogger('silent');
  const app = buildApp({
    config: {
      host: '127.0.0.1',
      auth: { mode: 'apikey', keys: options.keys ?? [] },
      allowedOrigins: options.allowedOrigins ?? [],
      bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
      trustProxy: false,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
      oauth: options.oauth ?? null,
    },
    service: options.service,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    readiness: async () => ({ ready: true, sources: [], cache: { kind: 'memory', degraded: false } }),
    rateLimiter: options.rateLimiter,
  });
  return startServer(app, { host: '127.0.0.1', port: options.port ?? 0, tls: null, shutdownTimeoutMs: 2000 }, logger);
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
