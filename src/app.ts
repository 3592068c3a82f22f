// Builds the HTTP app from injected dependencies; never listens (server.ts does).
// Edge order: request id → host/origin check → auth → rate limit → body limit → MCP dispatch.
// POST /mcp takes a fast path on the raw request (http/mcp-endpoint.ts); the other routes are
// Koa's. Both apply the same EdgePolicy (http/edge-policy.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './auth/oauth/access-token-verifier.js';
import { bearerChallenge, PROTECTED_RESOURCE_PATHS, protectedResourceMetadata } from './auth/oauth/protected-resource.js';
import type { CallerIdentity } from './auth/credentials.js';
import type { AppConfig } from './config/load-config.js';
import type { SearchService } from './federation/types.js';
import { applyCors } from './http/cors.js';
import { createEdgePolicy, refusalForError, requestIdFor, type RateLimiter } from './http/edge-policy.js';
import { sendJsonRpcError, sendRefusal } from './http/json-errors.js';
import { createMcpEndpoint, isMcpPost, MCP_PATH } from './http/mcp-endpoint.js';
import type { Logger } from './logger.js';
import { createMcpDispatcher } from './mcp/dispatcher.js';
import type { Metrics } from './metrics.js';

export interface ReadinessReport {
  ready: boolean;
  sources: Array<{ name: string; kind: string; ok: boolean; detail?: string | undefined; document_count?: number | null }>;
  cache: { kind: 'redis' | 'memory'; degraded: boolean };
}

export type { RateLimiter } from './http/edge-policy.js';

export interface AppDependencies {
  config: Pick<AppConfig, 'host' | 'auth' | 'allowedOrigins' | 'bodyLimitBytes' | 'trustProxy' | 'rateLimitPerMinute'> & Partial<Pick<AppConfig, 'oauth'>>;
  /** Validates OAuth access tokens when `config.oauth` is set (built by the composition root). */
  tokenVerifier?: AccessTokenVerifier | null;
  service: SearchService;
  logger: Logger;
  metrics: Metrics;
  readiness: (signal: AbortSignal) => Promise<ReadinessReport>;
  rateLimiter?: RateLimiter | undefined;
  /** Extra routes (the status page), mounted after the edge checks. */
  extraRoutes?: (
    router: Router,
    helpers: {
      authenticate: (ctx: Context) => CallerIdentity | null | false | Promise<CallerIdentity | null | false>;
      /** The `WWW-Authenticate` value /mcp sends with a 401 (OAuth's resource_metadata challenge when configured). */
      challenge: string;
    },
  ) => void;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    apiKey: CallerIdentity | null;
  }
}

/** The HTTP side of the server: a node request listener, with the Koa app behind it. */
export interface App {
  /** POST /mcp on the fast path; everything else through Koa. */
  handleRequest: (req: IncomingMessage, res: ServerResponse) => void;
}

export function buildApp(deps: AppDependencies): App {
  const { config, logger, metrics } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  const tokenVerifier = deps.tokenVerifier ?? (config.oauth ? createAccessTokenVerifier(config.oauth) : null);
  const policy = createEdgePolicy({ config, rateLimiter: deps.rateLimiter, metrics, tokenVerifier });
  const countRequest = (route: string, status: number) => metrics.httpRequestTally.of(route, status);
  const dispatcher = createMcpDispatcher({ service: deps.service, logger, metrics });
  const handleMcpPost = createMcpEndpoint({ policy, dispatcher, bodyLimitBytes: config.bodyLimitBytes, logger, countRequest });
  const router = new Router();

  async function requireKey(ctx: Context, next: Next): Promise<void> {
    const admission = await policy.admit(ctx.req.headers, ctx.url);
    if (!admission.admitted) return sendRefusal(ctx, admission.refusal);
    ctx.state.apiKey = admission.key;
    await next();
  }

  // The edge for every route but POST /mcp, in one middleware: request id, host/origin checks,
  // CORS (preflights answered here, without a key), and a last-resort guard so nothing ever
  // answers with internals.
  app.use(async (ctx: Context, next: Next) => {
    const requestId = requestIdFor(ctx.req.headers);
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    try {
      const forbidden = policy.hostOrOriginRefusal(ctx.req.headers);
      if (forbidden) sendRefusal(ctx, forbidden);
      else if (!applyCors(ctx, policy)) await next();
    } catch (error) {
      const { refusal, internal } = refusalForError(error, requestId);
      if (internal) logger.error({ err: error, reqId: requestId, path: ctx.path }, 'request failed');
      sendRefusal(ctx, refusal);
    }
    countRequest(ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched', ctx.status).inc();
  });

  // RFC 9728: where a client learns which authorization server issues tokens for this resource.
  const oauth = config.oauth ?? null;
  if (oauth) {
    const metadata = JSON.stringify(protectedResourceMetadata(oauth));
    for (const path of PROTECTED_RESOURCE_PATHS) {
      router.get(path, (ctx) => {
        ctx.type = 'application/json';
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.set('Access-Control-Allow-Origin', '*');
        ctx.body = metadata;
      });
    }
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

  const notAllowed = (ctx: Context) => {
    ctx.set('Allow', 'POST');
    sendJsonRpcError(ctx, 405, -32000, 'Method Not Allowed: this server is stateless; send JSON-RPC messages with POST');
  };
  // POST never gets here (the fast path answers it); every other method is refused.
  router.all(MCP_PATH, requireKey, notAllowed);

  deps.extraRoutes?.(router, {
    authenticate: (ctx) => policy.authenticate(ctx.req.headers, ctx.url),
    challenge: deps.config.oauth ? bearerChallenge(deps.config.oauth) : 'Bearer realm="knowledge-mcp"',
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(async (ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: 'not found', routes: ['POST /mcp', 'GET /', 'GET /status.json', 'GET /healthz', 'GET /readyz', 'GET /metrics'] };
    }
  });
  const koaHandler = app.callback();
  return {
    handleRequest(req, res) {
      if (isMcpPost(req)) handleMcpPost(req, res);
      else void koaHandler(req, res);
    },
  };
}
