// JSON-RPC 2.0 message shapes and the error codes this server answers with.

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** MCP: the request's headers contradict its body, or a required header is missing/unsupported. */
export const HEADER_MISMATCH = -32020;

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export type ClassifiedMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response' }
  | { kind: 'invalid'; id: JsonRpcId | null; reason: string };

function isValidId(id: unknown): id is JsonRpcId {
  return (typeof id === 'string' && id.length <= 256) || (typeof id === 'number' && Number.isFinite(id));
}

/** Sorts one parsed JSON value into request / notification / response / invalid, without throwing. */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'invalid', id: null, reason: 'expected a JSON-RPC 2.0 object' };
  }
  const candidate = value as Record<string, unknown>;
  const id = isValidId(candidate.id) ? candidate.id : null;
  if (candidate.jsonrpc !== '2.0') return { kind: 'invalid', id, reason: 'jsonrpc: expected "2.0"' };
  if (candidate.method === undefined && ('result' in candidate || 'error' in candidate)) return { kind: 'response' };
  if (typeof candidate.method !== 'string' || candidate.method.length === 0 || candidate.method.length > 256) {
    return { kind: 'invalid', id, reason: 'method: expected a non-empty string' };
  }
  if (candidate.params !== undefined && (candidate.params === null || typeof candidate.params !== 'object' || Array.isArray(candidate.params))) {
    return { kind: 'invalid', id, reason: 'params: expected an object' };
  }
  if (!('id' in candidate)) return { kind: 'notification', message: candidate as unknown as JsonRpcNotification };
  if (!isValidId(candidate.id)) return { kind: 'invalid', id: null, reason: 'id: expected a string or a number' };
  return { kind: 'request', message: candidate as unknown as JsonRpcRequest };
}

const RESULT_END = Buffer.from('}');

/**
 * A serialised message: one buffer, or buffers to send in this order. Parts let a large result
 * go out behind its id without being copied (a writer sends them in one writev): the copy, a
 * fresh 10 KB buffer per cached search, cost a few µs in itself and more in the collector.
 */
export type MessageBytes = Buffer | readonly Buffer[];

export function messageLength(bytes: MessageBytes): number {
  if (Buffer.isBuffer(bytes)) return bytes.length;
  let length = 0;
  for (const part of bytes) length += part.length;
  return length;
}

/**
 * Serialises a success response as the bytes to send. `result` may be pre-serialised; pre-encoded
 * bytes (tools/list and the other static answers, tool results in chunks) are neither re-encoded
 * nor copied: they follow the envelope's head as parts.
 */
export function resultResponse(id: JsonRpcId, result: string | Buffer | readonly Buffer[]): MessageBytes {
  const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`;
  if (typeof result === 'string') return Buffer.from(`${head}${result}}`);
  return Buffer.isBuffer(result) ? [Buffer.from(head), result, RESULT_END] : [Buffer.from(head), ...result, RESULT_END];
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): Buffer {
  const error = data === undefined ? { code, message } : { code, message, data };
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, error }));
}
