// Checks of the 2026-07-28 stateless era: the `_meta` envelope in the body and the standard
// headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name) that must agree with it.
import { HEADER_MISMATCH, INVALID_PARAMS, type JsonRpcNotification, type JsonRpcRequest } from './jsonrpc.js';
import { isSupportedModernVersion, META_CLIENT_CAPABILITIES, META_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSIONS } from './protocol-versions.js';

export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export interface EnvelopeProblem {
  status: number;
  code: number;
  message: string;
  data?: unknown;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** `Mcp-Name` may be sent as `=?base64?…?=` to carry non-ASCII names. */
function decodeNameHeader(value: string): string | null {
  const match = /^=\?base64\?(.*)\?=$/i.exec(value);
  if (!match) return value;
  const encoded = match[1] ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null;
  return Buffer.from(encoded, 'base64').toString('utf8');
}

function mismatch(message: string, headerValue: unknown, bodyValue: unknown): EnvelopeProblem {
  return {
    status: 400,
    code: HEADER_MISMATCH,
    message: `Bad Request: the request headers and body disagree: ${message}`,
    data: { mismatch: { header: headerValue ?? null, body: bodyValue ?? null } },
  };
}

export function claimedVersion(message: JsonRpcRequest | JsonRpcNotification): unknown {
  const meta = message.params?._meta;
  if (meta === null || typeof meta !== 'object') return undefined;
  return (meta as Record<string, unknown>)[META_PROTOCOL_VERSION];
}

/** Validates a message already known to claim the modern era; null when it may proceed. */
export function checkModernEnvelope(message: JsonRpcRequest | JsonRpcNotification, headers: Headers, isRequest: boolean): EnvelopeProblem | null {
  const meta = message.params?._meta as Record<string, unknown>;
  const missing: string[] = [];
  const version = meta[META_PROTOCOL_VERSION];
  if (typeof version !== 'string') missing.push(`_meta.${META_PROTOCOL_VERSION}`);
  const capabilities = meta[META_CLIENT_CAPABILITIES];
  if (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities)) {
    missing.push(`_meta.${META_CLIENT_CAPABILITIES}`);
  }
  if (missing.length > 0) {
    return {
      status: 400,
      code: INVALID_PARAMS,
      message: `Invalid params: the request envelope is missing or malformed: ${missing.join(', ')}`,
      data: { envelope: { missing } },
    };
  }
  const headerVersion = header(headers, 'mcp-protocol-version');
  if (headerVersion !== undefined && headerVersion !== version) {
    return mismatch(`MCP-Protocol-Version is ${headerVersion} but _meta names ${String(version)}`, headerVersion, version);
  }
  if (!isSupportedModernVersion(version as string)) {
    return {
      status: 400,
      code: UNSUPPORTED_PROTOCOL_VERSION,
      message: 'Unsupported protocol version',
      data: { supported: [...MODERN_PROTOCOL_VERSIONS], requested: version },
    };
  }
  if (!isRequest) return null;
  if (headerVersion === undefined) return mismatch('the MCP-Protocol-Version header is required', undefined, version);
  const methodHeader = header(headers, 'mcp-method');
  if (methodHeader === undefined) return mismatch('the Mcp-Method header is required', undefined, message.method);
  if (methodHeader !== message.method) return mismatch(`Mcp-Method is ${methodHeader} but the body calls ${message.method}`, methodHeader, message.method);
  const bodyName =
    message.method === 'resources/read'
      ? message.params?.uri
      : message.method === 'tools/call' || message.method === 'prompts/get'
        ? message.params?.name
        : undefined;
  if (typeof bodyName === 'string') {
    const nameHeader = header(headers, 'mcp-name');
    if (nameHeader === undefined) return mismatch('the Mcp-Name header is required for this method', undefined, bodyName);
    const decoded = decodeNameHeader(nameHeader);
    if (decoded === null) return mismatch('Mcp-Name is not valid base64', nameHeader, bodyName);
    if (decoded !== bodyName) return mismatch(`Mcp-Name is ${decoded} but the body names ${bodyName}`, decoded, bodyName);
  }
  return null;
}

/** A request with no envelope but a header naming a modern revision. */
export function missingEnvelopeProblem(headerVersion: string): EnvelopeProblem {
  return {
    status: 400,
    code: INVALID_PARAMS,
    message: `Invalid params: the MCP-Protocol-Version header names protocol revision ${headerVersion}, but the request is missing the required per-request envelope key(s): _meta`,
    data: { envelope: { missing: ['_meta'] } },
  };
}
