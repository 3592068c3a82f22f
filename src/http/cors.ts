// CORS for browser apps on allowed origins (DESIGN §7): the headers on every answer to an allowed
// cross-origin caller (errors included, so a page can read a 401 or a 429), and the preflight the
// edge answers itself, without a key. Which origins are allowed is EdgePolicy's one rule
// (origin-check.ts); these functions run only after it let the Origin through.
import type { IncomingHttpHeaders } from 'node:http';
import type { Context } from 'koa';
import type { EdgePolicy } from './edge-policy.js';

/** Request headers MCP clients (and the /api routes' callers) send. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'x-api-key',
  'Content-Type',
  'Accept',
  'Mcp-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
  'X-Request-Id',
].join(', ');
/** Response headers clients read: the session and revision, the auth challenge, the request id, the back-off. */
export const CORS_EXPOSE_HEADERS = ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'WWW-Authenticate', 'X-Request-Id', 'Retry-After'].join(', ');
/** GET and DELETE on /mcp are refused with 405, but a browser must be let through to see that. */
export const CORS_ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 h). */
export const CORS_MAX_AGE_SECONDS = 600;

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** The routes browser apps call: MCP, the plain JSON API, the status JSON and the OAuth metadata. */
export function isCorsPath(path: string): boolean {
  return (
    path === '/mcp' ||
    path === '/mcp/' ||
    path === '/status.json' ||
    path.startsWith('/api/') ||
    path === '/.well-known/oauth-protected-resource' ||
    path.startsWith('/.well-known/oauth-protected-resource/')
  );
}

/** Headers for an actual answer to a caller whose Origin is allowed; null without an Origin. */
export function corsResponseHeaders(headers: IncomingHttpHeaders): HeaderList | null {
  const origin = headers.origin;
  if (origin === undefined || origin === '') return null;
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Vary', 'Origin'],
    ['Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS],
  ];
}

/** Headers for a preflight (OPTIONS with Origin and Access-Control-Request-Method) on a CORS path; null when it is not one. */
export function preflightHeaders(method: string | undefined, path: string, headers: IncomingHttpHeaders): HeaderList | null {
  const origin = headers.origin;
  if (method !== 'OPTIONS' || !origin || headers['access-control-request-method'] === undefined || !isCorsPath(path)) return null;
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Vary', 'Origin'],
    ['Access-Control-Allow-Methods', CORS_ALLOW_METHODS],
    ['Access-Control-Allow-Headers', CORS_ALLOW_HEADERS],
    ['Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS)],
  ];
}

/** Writes the headers on a raw response (the POST /mcp fast path). */
export function setHeaders(res: { setHeader(name: string, value: string): unknown }, list: HeaderList): void {
  for (const [name, value] of list) res.setHeader(name, value);
}

/**
 * The Koa routes' CORS step, after the Host/Origin check: answers a preflight (204, no key
 * needed) and returns true, or sets the headers every answer carries and returns false.
 */
export function applyCors(ctx: Context, policy: Pick<EdgePolicy, 'preflight' | 'corsHeaders'>): boolean {
  const preflight = policy.preflight(ctx.method, ctx.path, ctx.req.headers);
  if (preflight !== null) {
    for (const [name, value] of preflight) ctx.set(name, value);
    ctx.status = 204;
    return true;
  }
  const headers = policy.corsHeaders(ctx.req.headers);
  if (headers !== null) for (const [name, value] of headers) ctx.set(name, value);
  return false;
}
