// Mounts the operators' status and search page: GET / (the shell, no key needed), its script,
// style and icon, and GET /status.json (same key and scopes as /mcp). The page itself calls
// POST /mcp for search_documents, get_document and list_sources, so it sees what agents see.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { callerFor } from '../auth/caller.js';
import type { CallerIdentity } from '../auth/credentials.js';
import type { Caller, SourceInfo } from '../federation/types.js';
import { HTTP_EDGE_CODES, sendJsonRpcError } from '../http/json-errors.js';
import { LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS } from '../mcp/protocol-versions.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import { FAVICON_SVG } from './assets/favicon.js';
import { renderPageHtml } from './assets/page-html.js';
import { loadPageAssets } from './assets/page-assets.js';
import type { CacheStatus } from './cache-stats.js';
import type { SourceStatsReader } from './source-stats.js';
import { buildStatusReport, type ServerInfo } from './status-report.js';

export interface StatusPageHelpers {
  /** The app's authenticator: the key, null (none needed) or false (reject with 401). */
  authenticate: (ctx: Context) => CallerIdentity | null | false | Promise<CallerIdentity | null | false>;
  /** The challenge /mcp answers a 401 with, so a client discovers sign-in here too. */
  challenge?: string;
}

export interface StatusPageDeps {
  recorder: SourceStatsReader;
  /** The SearchService's listSources: scoped to the caller, with live status and counts. */
  listSources: (caller: Caller, signal: AbortSignal) => Promise<SourceInfo[]>;
  /** Cache figures; omit (or return null) when there is no cache to report. */
  cacheStatus?: () => (Pick<CacheStatus, 'kind' | 'degraded' | 'hitRatio'> & Partial<Pick<CacheStatus, 'hits' | 'misses'>>) | null;
  /** Default: package.json's name and version, and the revisions in src/mcp/protocol-versions.ts. */
  server?: ServerInfo;
  /** The MCP URL to show; default: this request's own scheme and Host + /mcp (X-Forwarded-* with trustProxy). */
  publicMcpUrl?: string;
  /** How often the page refreshes the status (default 5000 ms). */
  refreshMs?: number;
  /** Longest wait for the source list before answering 503 (default 4000 ms). */
  listTimeoutMs?: number;
}

export const PAGE_ROUTES = { page: '/', script: '/status/app.js', style: '/status/app.css', icon: '/status/icon.svg', status: '/status.json' } as const;

/**
 * Strict: only this origin's own script and style files; no inline code; Trusted Types make any
 * HTML-string sink (innerHTML and friends) throw, so document text can only ever become text.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const DEFAULT_SERVER: ServerInfo = {
  name: SERVER_NAME,
  version: SERVER_VERSION,
  protocolVersions: { legacy: LEGACY_PROTOCOL_VERSIONS, stateless: MODERN_PROTOCOL_VERSIONS },
};

function setCommonHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
}

function serveStatic(router: Router, path: string, type: string, body: string): void {
  const buffer = Buffer.from(body, 'utf8');
  router.get(path, (ctx) => {
    setCommonHeaders(ctx);
    // Revalidated each time: a restarted server with a new build must not run an old script.
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = type;
    ctx.body = buffer;
  });
}

export function mountStatusPage(router: Router, helpers: StatusPageHelpers, deps: StatusPageDeps): void {
  const server = deps.server ?? DEFAULT_SERVER;
  const listTimeoutMs = deps.listTimeoutMs ?? 4000;
  const html = renderPageHtml({ title: server.name, refreshMs: deps.refreshMs ?? 5000, routes: PAGE_ROUTES });
  const assets = loadPageAssets();

  serveStatic(router, PAGE_ROUTES.page, 'text/html; charset=utf-8', html);
  serveStatic(router, PAGE_ROUTES.script, 'text/javascript; charset=utf-8', assets.script);
  serveStatic(router, PAGE_ROUTES.style, 'text/css; charset=utf-8', assets.style);
  serveStatic(router, PAGE_ROUTES.icon, 'image/svg+xml', FAVICON_SVG);

  router.get(PAGE_ROUTES.status, async (ctx) => {
    setCommonHeaders(ctx);
    ctx.set('Cache-Control', 'no-store');
    const key = await helpers.authenticate(ctx);
    if (key === false) {
      ctx.set('WWW-Authenticate', helpers.challenge ?? 'Bearer realm="knowledge-mcp"');
      return sendJsonRpcError(ctx, 401, HTTP_EDGE_CODES.unauthorized, 'Unauthorized: send a valid API key as `x-api-key: KEY` or `Authorization: Bearer KEY`');
    }
    const caller: Caller = callerFor(key, ctx.state.requestId);
    const controller = new AbortController();
    const onClose = () => controller.abort(new Error('client disconnected'));
    ctx.res.once('close', onClose);
    const timer = setTimeout(() => controller.abort(new Error('source list timed out')), listTimeoutMs);
    let sources: SourceInfo[];
    try {
      sources = await deps.listSources(caller, controller.signal);
    } catch {
      // The detail is logged by the federation; the page shows that the list is unavailable.
      return sendJsonRpcError(ctx, 503, -32603, `Service Unavailable: the source list could not be read (request id ${ctx.state.requestId})`);
    } finally {
      clearTimeout(timer);
      ctx.res.off('close', onClose);
    }
    const cache = deps.cacheStatus?.() ?? null;
    ctx.type = 'application/json';
    ctx.body = buildStatusReport({
      server,
      mcpUrl: deps.publicMcpUrl ?? `${ctx.protocol}://${ctx.host}/mcp`,
      keyName: key?.name ?? null,
      authRequired: key !== null,
      sources,
      stats: deps.recorder,
      cache: cache ? { hits: 0, misses: 0, ...cache } : null,
      generatedAt: new Date(),
    });
  });
}
