// Builds the Koa app from injected dependencies; never listens (server.ts does).
// Edge order: request id → host/origin check → auth → rate limit → body limit → MCP dispatch.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { ApiKey, AppConfig } from './config/load-config.js';
import { isLoopbackHost } from './config/load-config.js';
import type { SearchService } from './federation/types.js';
import { createAuthenticator } from './http/auth.js';
import { HTTP_EDGE_CODES, sendJsonRpcError } from './http/json-errors.js';
import { createOriginPolicy } from './http/origin-check.js';
import { readBody } from './http/read-body.js';
import type { Logger } from './logger.js';
import { createMcpDispatcher } from './mcp/dispatcher.js';
import type { Metrics } from './metrics.js';
import { KnowledgeError } from './errors.js';

export interface ReadinessReport {
  ready: boolean;
  sources: Array<{ name: string; kind: string; ok: boolean; detail?: string | undefined; document_count?: number | null }>;
  cache: { kind: 'redis' | 'memory'; degraded: boolean };
}

export interface RateLimiter {
  /** Takes one request from the key's budget; resolves how long to wait when none is left. */
  consume(keyName: string, limitPerMinute: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export interface AppDependencies {
  config: Pick<AppConfig, 'host' | 'auth' | 'allowedOrigins' | 'bodyLimitBytes' | 'trustProxy' | 'rateLimitPerMinute'>;
  service: SearchService;
  logger: Logger;
  metrics: Metrics;
  readiness: (signal: AbortSignal) => Promise<ReadinessReport>;
  rateLimiter?: RateLimiter | undefined;
  /** Extra routes (the status page), mounted after the edge checks. */
  extraRoutes?: (router: Router, helpers: { authenticate: (ctx: Context) => ApiKey | null | false }) => void;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    apiKey: ApiKey | null;
  }
}

export function buildApp(deps: AppDependencies): Koa {
  const { config, logger, metrics } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  const authenticator = createAuthenticator(config.auth.keys, config.auth.mode);
  const originPolicy = createOriginPolicy({ boundToLoopback: isLoopbackHost(config.host), allowedOrigins: config.allowedOrigins });
  const dispatcher = createMcpDispatcher({ service: deps.service, logger, metrics });
  const router = new Router();

  // Request id, echoed; a last-resort guard so nothing ever answers with internals.
  app.use(async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    try {
      await next();
    } catch (error) {
      const status = error instanceof KnowledgeError ? error.status : 500;
      if (status >= 500) logger.error({ err: error, reqId: requestId, path: ctx.path }, 'request failed');
      const message = error instanceof KnowledgeError && error.expose ? error.message : `internal error (request id ${requestId})`;
      sendJsonRpcError(ctx, status >= 500 ? 503 : status, status === 413 ? HTTP_EDGE_CODES.tooLarge : -32603, message);
    }
    metrics.httpRequests.inc({ route: ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched', status: String(ctx.status) });
  });

  // DNS-rebinding protection: a loopback server only answers loopback Host names, and a browser
  // page may call it only from an allowed (or its own) origin.
  app.use(async (ctx: Context, next: Next) => {
    if (!originPolicy.hostAllowed(ctx.get('host') || undefined)) {
      return sendJsonRpcError(ctx, 403, HTTP_EDGE_CODES.forbidden, 'Forbidden: Host header is not allowed for this server');
    }
    const origin = ctx.get('origin');
    if (origin && !originPolicy.originAllowed(origin, ctx.get('host') || undefined)) {
      return sendJsonRpcError(ctx, 403, HTTP_EDGE_CODES.forbidden, 'Forbidden: Origin is not allowed; add it to ALLOWED_ORIGINS');
    }
    await next();
  });

  const authenticate = (ctx: Context): ApiKey | null | false => {
    const outcome = authenticator.authenticate(ctx.headers);
    return outcome.ok ? outcome.key : false;
  };

  async function requireKey(ctx: Context, next: Next): Promise<void> {
    const key = authenticate(ctx);
    if (key === false) {
      ctx.set('WWW-Authenticate', 'Bearer realm="knowledge-mcp"');
      return sendJsonRpcError(ctx, 401, HTTP_EDGE_CODES.unauthorized, 'Unauthorized: send a valid API key as `x-api-key: KEY` or `Authorization: Bearer KEY`');
    }
    ctx.state.apiKey = key;
    if (deps.rateLimiter) {
      const limit = key?.rateLimitPerMinute || config.rateLimitPerMinute;
      if (limit > 0) {
        const verdict = await deps.rateLimiter.consume(key?.name ?? 'anonymous', limit);
        if (!verdict.allowed) {
          metrics.rateLimited.inc({ key: key?.name ?? 'anonymous' });
          ctx.set('Retry-After', String(verdict.retryAfterSeconds));
          return sendJsonRpcError(ctx, 429, HTTP_EDGE_CODES.rateLimited, `Too Many Requests: retry after ${verdict.retryAfterSeconds} s`);
        }
      }
    }
    await next();
  }

  router.get('/healthz', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = '{"status":"ok"}';
  });

  router.get('/readyz', async (ctx) => {
    const report = await deps.readiness(AbortSignal.timeout(2000));
    ctx.status = report.ready ? 200 : 503;
    ctx.body = { status: report.ready ? 'ready' : 'not ready', ...report };
  });

  router.get('/metrics', requireKey, async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  router.post('/mcp', requireKey, async (ctx) => {
    const contentType = ctx.get('content-type');
    if (!/^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType)) {
      return sendJsonRpcError(ctx, 415, HTTP_EDGE_CODES.unsupportedMedia, 'Unsupported Media Type: send Content-Type: application/json');
    }
    const body = await readBody(ctx.req, config.bodyLimitBytes);
    // Only tool calls reach backends; they get a signal that fires when the client goes away.
    let controller: AbortController | null = null;
    const signal = () => {
      if (controller === null) {
        const created = new AbortController();
        controller = created;
        ctx.res.once('close', () => {
          if (!ctx.res.writableFinished) created.abort(new Error('client disconnected'));
        });
      }
      return controller.signal;
    };
    const key = ctx.state.apiKey;
    const answer = await dispatcher.handle(
      body,
      ctx.headers,
      { keyName: key?.name ?? null, allowedSources: key?.sources ? new Set(key.sources) : null, requestId: ctx.state.requestId },
      signal,
    );
    ctx.status = answer.status;
    if (answer.body === null) {
      ctx.body = null;
      ctx.status = 202;
      return;
    }
    ctx.type = 'application/json';
    // A Buffer is written with the headers in one syscall; a string costs a conversion per write.
    ctx.body = Buffer.from(answer.body);
  });

  const notAllowed = (ctx: Context) => {
    ctx.set('Allow', 'POST');
    sendJsonRpcError(ctx, 405, -32000, 'Method Not Allowed: this server is stateless; send JSON-RPC messages with POST');
  };
  router.get('/mcp', requireKey, notAllowed);
  router.delete('/mcp', requireKey, notAllowed);

  deps.extraRoutes?.(router, { authenticate });

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(async (ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: 'not found', routes: ['POST /mcp', 'GET /', 'GET /status.json', 'GET /healthz', 'GET /readyz', 'GET /metrics'] };
    }
  });
  return app;
}
