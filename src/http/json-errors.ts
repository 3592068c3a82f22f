// Error bodies at the HTTP edge: JSON-RPC shaped on /mcp (clients parse them), plain JSON elsewhere.
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { errorResponse, type MessageBytes, messageLength } from '../mcp/jsonrpc.js';
import { turnEndWrites } from './turn-end-writes.js';
import type { EdgeRefusal } from './edge-policy.js';

/** JSON-RPC error codes used at the HTTP edge (MCP reserves -32000..-32099 for servers). */
export const HTTP_EDGE_CODES = { unauthorized: -32001, forbidden: -32003, tooLarge: -32004, rateLimited: -32005, unsupportedMedia: -32006 } as const;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function sendJsonRpcError(ctx: Context, status: number, code: number, message: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = errorResponse(null, code, message);
}

/**
 * Writes a whole JSON answer on a raw response (the fast path, which bypasses Koa), sent with the
 * other answers ready in this turn of the event loop (turn-end-writes.ts).
 */
export function writeJson(res: ServerResponse, status: number, body: MessageBytes): void {
  res.statusCode = status;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', messageLength(body));
  turnEndWrites.end(res, body);
}

export function writeJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  writeJson(res, status, errorResponse(null, code, message));
}

/** An edge refusal (401, 403, 429, …) as a Koa answer, its extra header included. */
export function sendRefusal(ctx: Context, refusal: EdgeRefusal): void {
  if (refusal.header) ctx.set(refusal.header[0], refusal.header[1]);
  sendJsonRpcError(ctx, refusal.status, refusal.code, refusal.message);
}

/** The same refusal on a raw response (the fast path). */
export function writeRefusal(res: ServerResponse, refusal: EdgeRefusal): void {
  if (refusal.header) res.setHeader(refusal.header[0], refusal.header[1]);
  writeJsonRpcError(res, refusal.status, refusal.code, refusal.message);
}
