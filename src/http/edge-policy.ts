// The checks every request passes before it reaches a handler (DESIGN §7), on plain header maps
// so that the Koa routes and the POST /mcp fast path apply exactly the same rules.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenVerifier } from '../auth/oauth/access-token-verifier.js';
import { createCredentialCheck, type CallerIdentity, type CredentialVerdict } from '../auth/credentials.js';
import type { AppConfig } from '../config/load-config.js';
import { isLoopbackHost } from '../config/load-config.js';
import type { Metrics } from '../metrics.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { corsResponseHeaders, preflightHeaders } from './cors.js';
import { HTTP_EDGE_CODES } from './json-errors.js';
import { createOriginPolicy } from './origin-check.js';

export interface RateLimiter {
  /** Takes one request from the key's budget; resolves how long to wait when none is left. */
  consume(keyName: string, limitPerMinute: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

/** Why the edge answered instead of the handler: status, JSON-RPC error code, message, extra header. */
export interface EdgeRefusal {
  status: number;
  code: number;
  message: string;
  header?: readonly [name: string, value: string];
}

export type Admission = { admitted: true; key: CallerIdentity | null } | { admitted: false; refusal: EdgeRefusal };

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const FORBIDDEN_HOST: EdgeRefusal = { status: 403, code: HTTP_EDGE_CODES.forbidden, message: 'Forbidden: Host header is not allowed for this server' };
const FORBIDDEN_ORIGIN: EdgeRefusal = { status: 403, code: HTTP_EDGE_CODES.forbidden, message: 'Forbidden: Origin is not allowed; add it to ALLOWED_ORIGINS' };

function credentialRefusal(verdict: Extract<CredentialVerdict, { ok: false }>): EdgeRefusal {
  return {
    status: verdict.status,
    code: verdict.status === 403 ? HTTP_EDGE_CODES.forbidden : HTTP_EDGE_CODES.unauthorized,
    message: verdict.message,
    header: ['WWW-Authenticate', verdict.challenge],
  };
}

/** The caller's request id when it is a sane token, else a fresh one. */
export function requestIdFor(headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

export interface EdgePolicyOptions {
  config: Pick<AppConfig, 'host' | 'auth' | 'allowedOrigins' | 'rateLimitPerMinute'> & Partial<Pick<AppConfig, 'oauth'>>;
  rateLimiter?: RateLimiter | undefined;
  /** Validates OAuth access tokens when `config.oauth` is set. */
  tokenVerifier?: AccessTokenVerifier | null | undefined;
  metrics: Pick<Metrics, 'rateLimited'>;
}

export function createEdgePolicy(options: EdgePolicyOptions) {
  const { config, rateLimiter, metrics } = options;
  const credentials = createCredentialCheck({
    keys: config.auth.keys,
    mode: config.auth.mode,
    oauth: config.oauth ?? null,
    verifier: options.tokenVerifier ?? null,
  });
  const originPolicy = createOriginPolicy({ boundToLoopback: isLoopbackHost(config.host), allowedOrigins: config.allowedOrigins });

  /** The caller, null when no credentials are needed, false when they are missing or refused. */
  function authenticate(headers: IncomingHttpHeaders, url?: string): CallerIdentity | null | false | Promise<CallerIdentity | null | false> {
    const verdict = credentials.check(headers, url);
    if (verdict instanceof Promise) return verdict.then((settled) => (settled.ok ? settled.identity : false));
    return verdict.ok ? verdict.identity : false;
  }

  function admitIdentity(identity: CallerIdentity | null): Admission | Promise<Admission> {
    const limit = identity?.rateLimitPerMinute || config.rateLimitPerMinute;
    if (rateLimiter === undefined || !(limit > 0)) return { admitted: true, key: identity };
    return rateLimited(identity?.name ?? 'anonymous', limit, identity);
  }

  async function rateLimited(keyName: string, limit: number, key: CallerIdentity | null): Promise<Admission> {
    const verdict = await (rateLimiter as RateLimiter).consume(keyName, limit);
    if (verdict.allowed) return { admitted: true, key };
    // Token callers share one label: a label per user would grow without bound.
    metrics.rateLimited.inc({ key: key?.kind === 'token' ? 'oauth' : keyName });
    return {
      admitted: false,
      refusal: {
        status: 429,
        code: HTTP_EDGE_CODES.rateLimited,
        message: `Too Many Requests: retry after ${verdict.retryAfterSeconds} s`,
        header: ['Retry-After', String(verdict.retryAfterSeconds)],
      },
    };
  }

  return {
    authenticate,

    /** DNS-rebinding protection: a loopback server only answers loopback Host names, and a
     *  browser page may call it only from an allowed (or its own) origin. Null when allowed. */
    hostOrOriginRefusal(headers: IncomingHttpHeaders): EdgeRefusal | null {
      const host = headers.host || undefined;
      if (!originPolicy.hostAllowed(host)) return FORBIDDEN_HOST;
      const origin = headers.origin;
      if (origin && !originPolicy.originAllowed(origin, host)) return FORBIDDEN_ORIGIN;
      return null;
    },

    /** CORS headers for the answer, once hostOrOriginRefusal let the request through (null without an Origin). */
    corsHeaders: corsResponseHeaders,

    /** A CORS preflight the edge answers itself with 204 and no key: its headers, or null when the request is not one. */
    preflight: preflightHeaders,

    /** Auth, then the key's rate limit. Synchronous unless a limit applies (the common case
     *  without one costs no promise). */
    admit(headers: IncomingHttpHeaders, url?: string): Admission | Promise<Admission> {
      const verdict = credentials.check(headers, url);
      if (verdict instanceof Promise) {
        return verdict.then((settled) => (settled.ok ? admitIdentity(settled.identity) : { admitted: false, refusal: credentialRefusal(settled) }));
      }
      if (!verdict.ok) return { admitted: false, refusal: credentialRefusal(verdict) };
      return admitIdentity(verdict.identity);
    },
  };
}

export type EdgePolicy = ReturnType<typeof createEdgePolicy>;

/**
 * The answer for an error that escaped a handler: an exposed KnowledgeError keeps its status and
 * message; anything else is a 503 naming only the request id (`internal` says to log it).
 */
export function refusalForError(error: unknown, requestId: string): { refusal: EdgeRefusal; internal: boolean } {
  const status = error instanceof KnowledgeError ? error.status : 500;
  const internal = status >= 500;
  const message = error instanceof KnowledgeError && error.expose ? error.message : `internal error (request id ${requestId})`;
  return { refusal: { status: internal ? 503 : status, code: status === 413 ? HTTP_EDGE_CODES.tooLarge : -32603, message }, internal };
}
