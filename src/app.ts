// Builds the HTTP app from injected dependencies; never listens (server.ts does).
// Edge order: request id → host/origin check → auth → rate limit → body limit → MCP dispatch.
// POST /mcp takes a fast path on the raw request (http/mcp-endpoint.ts); the other routes are
// Koa's. Both apply the same EdgePolicy (http/edge-policy.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { mountRestApi } from './api/rest-routes.js';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './auth/oauth/access-token-verifier.js';
import { PROTECTED_RESOURCE_PATHS, protectedResourceMetadata } from './auth/oauth/protected-resource.js';
import type { CallerIdentity } from './auth/credentials.js';
import type { AppConfig } from './config/load-config.js';
import { applyCors } from './http/cors.js';
import { createEdgePolicy, refusalForError, requestIdFor, type EdgeRefusal } from './http/edge-policy.js';
import { HTTP_EDGE_CODES, sendJsonRpcError, sendRefusal } from './http/json-errors.js';
import { createMcpEndpoint, isMcpPost, MCP_PATH } from './http/mcp-endpoint.js';
import type { Logger } from './logger.js';
import type { SearchService } from './federation/types.js';
import type { McpDispatcher } from './mcp/dispatcher.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './shared-state/rate-limiter.js';
import { mountStatusPage, type StatusPageDeps } from './status/index.js';
import { isTracing, nameRequestSpan, traceHttpRequest } from './telemetry/tracing.js';

export interface SourceReadiness {
  name: string;
  kind: string;
  ok: boolean;
  detail?: string | undefined;
  document_count: number | null;
}

export interface ReadinessReport {
  /** False while no source answers, and from the moment a shutdown starts draining. */
  ready: boolean;
  sources: SourceReadiness[];
  cache: { kind: 'redis' | 'memory'; degraded: boolean };
}

export interface AppDependencies {
  config: Pick<AppConfig, 'host' | 'auth' | 'allowedOrigins' | 'bodyLimitBytes' | 'trustProxy' | 'rateLimitPerMinute'> & Partial<Pick<AppConfig, 'oauth'>>;
  /** Validates OAuth access tokens when `config.oauth` is set (built by the composition root). */
  tokenVerifier?: AccessTokenVerifier | null;
  dispatcher: McpDispatcher;
  /** The search service behind the REST routes (/api/*), the same one the dispatcher calls. */
  service: SearchService;
  logger: Logger;
  metrics: Metrics;
  /** The instance's readiness; its health answers are reused briefly (composition/readiness.ts). */
  readiness: () => Promise<ReadinessReport>;
  rateLimiter?: RateLimiter | undefined;
  /** The operators' status page; omitted, / and /status.json are not served. */
  statusPage?: StatusPageDeps | undefined;
}

/** /metrics names every source and key: a caller confined to some sources may not read it. */
const METRICS_NEED_UNSCOPED_KEY: EdgeRefusal = {
  status: 403,
  code: HTTP_EDGE_CODES.forbidden,
  message: 'Forbidden: /metrics covers every source; it needs a key that is not limited to some sources',
};

/** What /readyz shows a caller: the instance's verdict to anyone, source detail within the caller's scope. */
function readinessView(report: ReadinessReport, caller: CallerIdentity | null | false): object {
  if (caller === false) return { ready: report.ready };
  const allowed = caller?.sources ? new Set(caller.sources) : null;
  return { ready: report.ready, sources: allowed ? report.sources.filter((source) => allowed.has(source.name)) : report.sources, cache: report.cache };
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
  const handleMcpPost = createMcpEndpoint({ policy, dispatcher: deps.dispatcher, bodyLimitBytes: config.bodyLimitBytes, logger, countRequest });
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
    const route = ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched';
    countRequest(route, ctx.status).inc();
    nameRequestSpan(ctx.method, route);
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

  // Probes send no key: they get the verdict. A valid key (or none needed) also gets the detail.
  router.get('/readyz', async (ctx) => {
    const caller = await policy.authenticate(ctx.req.headers, ctx.url);
    const report = await deps.readiness();
    ctx.status = report.ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = readinessView(report, caller);
  });

  router.get('/metrics', requireKey, async (ctx) => {
    if (ctx.state.apiKey?.sources) return sendRefusal(ctx, METRICS_NEED_UNSCOPED_KEY);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  const notAllowed = (ctx: Context) => {
    ctx.set('Allow', 'POST');
    sendJsonRpcError(ctx, 405, -32000, 'Method Not Allowed: this server is stateless; send JSON-RPC messages with POST');
  };
  // POST never gets here (the fast path answers it); every other method is refused.
  router.all(MCP_PATH, requireKey, notAllowed);

  mountRestApi(router, { service: deps.service, logger, admit: (headers, url) => policy.admit(headers, url), authRequired: policy.authRequired });
  if (deps.statusPage) mountStatusPage(router, { admit: (ctx) => policy.admit(ctx.req.headers, ctx.url) }, deps.statusPage);

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(async (ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = {
        error: 'not found',
        routes: [
          'POST /mcp',
          'GET /api/search',
          'GET /api/documents/{id}',
          'GET /openapi.json',
          'GET /',
          'GET /status.json',
          'GET /healthz',
          'GET /readyz',
          'GET /metrics',
        ],
      };
    }
  });
  const koaHandler = app.callback();
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    if (isMcpPost(req)) handleMcpPost(req, res);
    else void koaHandler(req, res);
  };
  return {
    handleRequest(req, res) {
      // Untraced requests take no closure and no context (tracing is off unless OTEL_* ask).
      if (isTracing()) traceHttpRequest(req, res, isMcpPost(req) ? MCP_PATH : null, () => dispatch(req, res));
      else dispatch(req, res);
    },
  };
}
