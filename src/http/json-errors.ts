// Error bodies at the HTTP edge: JSON-RPC shaped on /mcp (clients parse them), plain JSON elsewhere.
import type { Context } from 'koa';
import { errorResponse } from '../mcp/jsonrpc.js';

/** JSON-RPC error codes used at the HTTP edge (MCP reserves -32000..-32099 for servers). */
export const HTTP_EDGE_CODES = { unauthorized: -32001, forbidden: -32003, tooLarge: -32004, rateLimited: -32005, unsupportedMedia: -32006 } as const;

export function sendJsonRpcError(ctx: Context, status: number, code: number, message: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = errorResponse(null, code, message);
}
