// POST /mcp, answered on the raw node request/response. This is nearly all of the traffic, and
// Koa's per-request context, middleware promises and delegating setters cost about a third of
// its throughput (bench:http), so this one route skips Koa; the checks it makes are the same
// EdgePolicy the Koa routes use. Never throws: every failure is answered as JSON-RPC.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { McpDispatcher } from '../mcp/dispatcher.js';
import { callerFor } from '../auth/caller.js';
import type { Admission, EdgePolicy } from './edge-policy.js';
import { refusalForError, requestIdFor } from './edge-policy.js';
import { HTTP_EDGE_CODES, writeJson, writeJsonRpcError, writeRefusal } from './json-errors.js';
import { readBody } from './read-body.js';
import { connectionSignal, releaseConnectionSignal } from './connection-signal.js';
import { setHeaders } from './cors.js';

export const MCP_PATH = '/mcp';
/** application/json or a +json type, with parameters or none; not application/json-seq and friends. */
export const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/** POST to /mcp, with or without a trailing slash or a query string (as the router matched). */
export function isMcpPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url === MCP_PATH) return true;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path === MCP_PATH || path === `${MCP_PATH}/`;
}

export interface McpEndpointDeps {
  policy: EdgePolicy;
  dispatcher: McpDispatcher;
  bodyLimitBytes: number;
  logger: Logger;
  /** Counts the request once it is answered (route label, status). */
  countRequest: (route: string, status: number) => { inc(): void };
}

export function createMcpEndpoint(deps: McpEndpointDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { policy, dispatcher, bodyLimitBytes, logger, countRequest } = deps;

  async function answer(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const forbidden = policy.hostOrOriginRefusal(req.headers);
    if (forbidden) return writeRefusal(res, forbidden);
    // Before any refusal below, so that a browser page can read it.
    if (req.headers.origin !== undefined) {
      const cors = policy.corsHeaders(req.headers);
      if (cors !== null) setHeaders(res, cors);
    }
    const pending = policy.admit(req.headers, req.url);
    const admission: Admission = pending instanceof Promise ? await pending : pending;
    if (!admission.admitted) return writeRefusal(res, admission.refusal);
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
      return writeJsonRpcError(res, 415, HTTP_EDGE_CODES.unsupportedMedia, 'Unsupported Media Type: send Content-Type: application/json');
    }
    const body = await readBody(req, bodyLimitBytes);
    // Only tool calls reach backends; they get a signal that fires when the client goes away.
    let usedSignal = false;
    const signal = () => {
      usedSignal = true;
      return connectionSignal(req.socket);
    };
    const result = await dispatcher.handle(body, req.headers, callerFor(admission.key, requestId), signal);
    if (usedSignal) releaseConnectionSignal(req.socket);
    if (result.body === null) {
      res.statusCode = 202;
      res.end();
      return;
    }
    writeJson(res, result.status, result.body);
  }

  function fail(res: ServerResponse, requestId: string, error: unknown): void {
    const { refusal, internal } = refusalForError(error, requestId);
    if (internal) logger.error({ err: error, reqId: requestId, path: MCP_PATH }, 'request failed');
    if (res.headersSent) res.destroy();
    else writeRefusal(res, refusal);
  }

  return function handleMcpPost(req: IncomingMessage, res: ServerResponse): void {
    const requestId = requestIdFor(req.headers);
    res.setHeader('x-request-id', requestId);
    answer(req, res, requestId)
      .catch((error: unknown) => fail(res, requestId, error))
      .finally(() => countRequest(MCP_PATH, res.statusCode).inc());
  };
}
