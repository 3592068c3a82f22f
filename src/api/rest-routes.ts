// GET /api/search and GET /api/documents/{id}: the search_documents and get_document tools for
// callers without an MCP client, behind the same auth, key scopes, rate limits and cache, with
// the tools' structured output as the body. GET /openapi.json describes them.
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { callerFor } from '../auth/caller.js';
import type { Caller, SearchService } from '../federation/types.js';
import { connectionSignal, releaseConnectionSignal } from '../http/connection-signal.js';
import type { Admission, EdgeRefusal } from '../http/edge-policy.js';
import type { Logger } from '../logger.js';
import { isTracing, traceToolCall } from '../telemetry/tracing.js';
import { apiErrorFor, type ApiErrorBody, type ErrorPresentation } from './api-errors.js';
import { API_ROUTES, buildOpenApiDocument } from './openapi.js';
import { DOCUMENT_PARAM_OF, documentArgsFromRequest, SEARCH_PARAM_OF, searchArgsFromQuery } from './query-input.js';

export interface RestApiDeps {
  service: SearchService;
  logger: Logger;
  /** The edge's auth and rate limit (the same EdgePolicy as /mcp). */
  admit: (headers: Context['req']['headers'], url: string) => Admission | Promise<Admission>;
  /** Whether a key is required (shapes the security section of /openapi.json). */
  authRequired: boolean;
}

type Outcome = { isError: false; value: object } | { isError: true; error: unknown };

/** An unknown source in ?source= is a bad parameter, not a missing thing. */
const SEARCH_ERRORS: ErrorPresentation = {
  renames: SEARCH_PARAM_OF,
  statusOf: { UNKNOWN_SOURCE: 400 },
  fieldOf: { UNKNOWN_SOURCE: 'source', INVALID_CURSOR: 'cursor' },
};
/** A document of a source the key may not use is indistinguishable from a missing one. */
const DOCUMENT_ERRORS: ErrorPresentation = { renames: DOCUMENT_PARAM_OF, statusOf: { UNKNOWN_SOURCE: 404, FORBIDDEN: 404 } };

const REFUSAL_CODES: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 429: 'RATE_LIMITED' };

function sendError(ctx: Context, status: number, body: ApiErrorBody): void {
  ctx.status = status;
  ctx.body = body;
}

function sendRefusal(ctx: Context, refusal: EdgeRefusal): void {
  if (refusal.header) ctx.set(refusal.header[0], refusal.header[1]);
  const code = REFUSAL_CODES[refusal.status] ?? 'INTERNAL';
  sendError(ctx, refusal.status, { error: { code, message: refusal.message }, request_id: ctx.state.requestId });
}

export function mountRestApi(router: Router, deps: RestApiDeps): void {
  const { service, logger } = deps;
  const openApi = JSON.stringify(buildOpenApiDocument({ authRequired: deps.authRequired }));

  async function admit(ctx: Context, next: Next): Promise<void> {
    const admission = await deps.admit(ctx.req.headers, ctx.url);
    if (!admission.admitted) return sendRefusal(ctx, admission.refusal);
    ctx.state.apiKey = admission.key;
    ctx.set('cache-control', 'no-store');
    await next();
  }

  /** Runs one tool's service call as the tools/call would (same span), and answers with its output or an error. */
  async function answer(
    ctx: Context,
    tool: string,
    presentation: ErrorPresentation,
    run: (caller: Caller, signal: AbortSignal) => Promise<object>,
  ): Promise<void> {
    const requestId = ctx.state.requestId;
    const key = ctx.state.apiKey;
    const caller: Caller = callerFor(key, requestId);
    const socket = ctx.req.socket;
    const signal = connectionSignal(socket);
    const invoke = async (): Promise<Outcome> => {
      try {
        return { isError: false, value: await run(caller, signal) };
      } catch (error) {
        return { isError: true, error };
      }
    };
    const outcome = isTracing() ? await traceToolCall(tool, invoke) : await invoke();
    releaseConnectionSignal(socket);
    if (!outcome.isError) {
      ctx.body = outcome.value;
      return;
    }
    const { status, body, internal } = apiErrorFor(outcome.error, requestId, presentation);
    if (internal && !signal.aborted) logger.error({ err: outcome.error, reqId: requestId, tool }, 'REST call failed unexpectedly');
    sendError(ctx, status, body);
  }

  router.get(API_ROUTES.search, admit, (ctx) =>
    answer(ctx, 'search_documents', SEARCH_ERRORS, (caller, signal) => service.search(searchArgsFromQuery(ctx.URL.searchParams), caller, signal)),
  );

  router.get(API_ROUTES.documentRoute, admit, (ctx) =>
    answer(ctx, 'get_document', DOCUMENT_ERRORS, (caller, signal) =>
      service.getDocument(documentArgsFromRequest(String(ctx.params.id ?? ''), ctx.URL.searchParams), caller, signal),
    ),
  );

  router.get(API_ROUTES.openApi, (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openApi;
  });
}
