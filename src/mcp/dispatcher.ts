// The server side of MCP over streamable HTTP, kept lean for the hot path: one POST body in,
// one JSON answer out, for both eras (initialize-based 2025 and stateless 2026-07-28).
// Results that never change (tools/list, server/discover) are serialised once at start.
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Caller, SearchService } from '../federation/types.js';
import { callTool, isToolName } from '../tools/call-tool.js';
import { serializeToolResult, type ToolResult } from '../tools/result-wire.js';
import { TOOL_DEFINITIONS } from '../tools/definitions.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import {
  classifyMessage,
  errorResponse,
  HEADER_MISMATCH,
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  resultResponse,
  type JsonRpcId,
  type JsonRpcRequest,
} from './jsonrpc.js';
import { checkModernEnvelope, claimedVersion, missingEnvelopeProblem } from './modern-envelope.js';
import {
  isModernVersion,
  isSupportedLegacyVersion,
  LATEST_LEGACY_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  META_SERVER_INFO,
  MODERN_PROTOCOL_VERSIONS,
} from './protocol-versions.js';

export interface McpHttpResponse {
  status: number;
  /** Serialised JSON-RPC message (UTF-8), or null for 202 Accepted. */
  body: Buffer | null;
}

export interface McpDispatcherDeps {
  service: SearchService;
  logger: Logger;
  metrics: Metrics;
}

type Headers = Record<string, string | string[] | undefined>;

export const SERVER_INSTRUCTIONS =
  "knowledge-mcp searches the company's internal knowledge (handbooks, runbooks, wikis, indexed documents) in one call. " +
  'Call search_documents with plain words, then get_document with a result id (`<source>:<native id>`) to read a document in full. ' +
  'list_sources shows what is searchable.';

const SERVER_INFO = { name: SERVER_NAME, version: SERVER_VERSION };

/** Static answers are encoded once, at start; each request only copies them behind its id. */
function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
// Empty prompt and resource lists are served (and declared) so that generic clients and the
// conformance suite see a consistent surface; documents are reached through the tools.
const LEGACY_CAPABILITIES = { tools: { listChanged: false }, prompts: {}, resources: {}, logging: {} };
const MODERN_CAPABILITIES = { tools: { listChanged: false }, prompts: {}, resources: {} };
/** Tool list and discovery are static for the life of the process. */
const CACHEABLE_TTL_MS = 300_000;
const MODERN_META = { [META_SERVER_INFO]: SERVER_INFO };

/** Fields a 2026-era tool result carries before its content. */
const MODERN_RESULT_PREFIX = `"resultType":"complete","_meta":${JSON.stringify(MODERN_META)},`;

const LEGACY_TOOLS_LIST = encodeJson({ tools: TOOL_DEFINITIONS });
const MODERN_TOOLS_LIST = encodeJson({
  resultType: 'complete',
  tools: TOOL_DEFINITIONS,
  ttlMs: CACHEABLE_TTL_MS,
  cacheScope: 'public',
  _meta: MODERN_META,
});
const MODERN_DISCOVER = encodeJson({
  resultType: 'complete',
  supportedVersions: MODERN_PROTOCOL_VERSIONS,
  capabilities: MODERN_CAPABILITIES,
  instructions: SERVER_INSTRUCTIONS,
  ttlMs: CACHEABLE_TTL_MS,
  cacheScope: 'public',
  _meta: MODERN_META,
});
const EMPTY_RESULT = Buffer.from('{}');

/** Empty lists: `{prompts: []}` and friends, in each era's result shape. */
const EMPTY_LISTS: Record<string, { legacy: Buffer; modern: Buffer }> = Object.fromEntries(
  [
    ['prompts/list', 'prompts'],
    ['resources/list', 'resources'],
    ['resources/templates/list', 'resourceTemplates'],
  ].map(([method, field]) => [
    method as string,
    {
      legacy: encodeJson({ [field as string]: [] }),
      modern: encodeJson({ resultType: 'complete', [field as string]: [], ttlMs: CACHEABLE_TTL_MS, cacheScope: 'public', _meta: MODERN_META }),
    },
  ]),
);

function resourceNotFound(request: JsonRpcRequest): McpHttpResponse {
  const uri = request.params?.uri;
  return {
    status: 200,
    body: errorResponse(request.id, INVALID_PARAMS, `Resource not found: ${String(uri)}; documents are read with the get_document tool`, { uri }),
  };
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function initializeResult(params: Record<string, unknown> | undefined): string {
  const requested = params?.protocolVersion;
  const protocolVersion = typeof requested === 'string' && isSupportedLegacyVersion(requested) ? requested : LATEST_LEGACY_VERSION;
  return JSON.stringify({ protocolVersion, capabilities: LEGACY_CAPABILITIES, serverInfo: SERVER_INFO, instructions: SERVER_INSTRUCTIONS });
}

export function createMcpDispatcher(deps: McpDispatcherDeps) {
  const { service, logger, metrics } = deps;
  const countMcp = (method: string, tool: string, outcome: string) => metrics.mcpRequestTally.of(method, tool, outcome);

  async function runTool(request: JsonRpcRequest, caller: Caller, signal: () => AbortSignal, modern: boolean): Promise<McpHttpResponse> {
    const name = request.params?.name;
    if (typeof name !== 'string') {
      return { status: 200, body: errorResponse(request.id, INVALID_PARAMS, 'Invalid params: params.name must be a tool name') };
    }
    if (!isToolName(name)) {
      countMcp('tools/call', 'unknown', 'rpc_error').inc();
      return {
        status: 200,
        body: errorResponse(request.id, INVALID_PARAMS, `Tool ${name} not found; available: ${TOOL_DEFINITIONS.map((t) => t.name).join(', ')}`),
      };
    }
    const started = performance.now();
    const result: ToolResult = await callTool(name, request.params?.arguments, {
      service,
      caller,
      signal: signal(),
      onUnexpectedError: (error) => logger.error({ err: error, reqId: caller.requestId, tool: name }, 'tool failed unexpectedly'),
    });
    const seconds = (performance.now() - started) / 1000;
    const outcome = result.isError ? 'tool_error' : 'ok';
    countMcp('tools/call', name, outcome).inc();
    metrics.mcpLatency.observe({ method: 'tools/call', tool: name }, seconds);
    // The federation logs the info event of each call (timings, per-source outcomes); this line
    // adds the protocol view for debugging (built only when someone reads it).
    if (logger.isLevelEnabled('debug')) {
      const content = result.isError ? undefined : result.structuredContent;
      const report = content?.sources;
      logger.debug(
        {
          reqId: caller.requestId,
          key: caller.keyName,
          tool: name,
          outcome,
          took_ms: Math.round(seconds * 1000),
          cached: content?.cached,
          sources: Array.isArray(report)
            ? report.map((s: { name: string; status: string; took_ms: number }) => `${s.name}:${s.status}:${s.took_ms}`)
            : undefined,
        },
        'tool call',
      );
    }
    return { status: 200, body: resultResponse(request.id, serializeToolResult(result, modern ? MODERN_RESULT_PREFIX : '')) };
  }

  function simple(method: string, id: JsonRpcId, resultJson: string | Buffer): McpHttpResponse {
    countMcp(method, '', 'ok').inc();
    return { status: 200, body: resultResponse(id, resultJson) };
  }

  async function handleLegacy(request: JsonRpcRequest, caller: Caller, signal: () => AbortSignal): Promise<McpHttpResponse> {
    switch (request.method) {
      case 'initialize':
        return simple('initialize', request.id, initializeResult(request.params));
      case 'ping':
        return simple('ping', request.id, EMPTY_RESULT);
      case 'tools/list':
        return simple('tools/list', request.id, LEGACY_TOOLS_LIST);
      case 'tools/call':
        return runTool(request, caller, signal, false);
      case 'logging/setLevel':
        // Accepted for compatibility; this server sends no log notifications.
        return simple('logging/setLevel', request.id, EMPTY_RESULT);
      case 'prompts/list':
      case 'resources/list':
      case 'resources/templates/list':
        return simple(request.method, request.id, (EMPTY_LISTS[request.method] as { legacy: Buffer }).legacy);
      case 'resources/read':
        return resourceNotFound(request);
      default:
        countMcp('other', '', 'rpc_error').inc();
        return { status: 200, body: errorResponse(request.id, METHOD_NOT_FOUND, `Method not found: ${request.method}`) };
    }
  }

  async function handleModern(request: JsonRpcRequest, caller: Caller, signal: () => AbortSignal): Promise<McpHttpResponse> {
    switch (request.method) {
      case 'server/discover':
        return simple('server/discover', request.id, MODERN_DISCOVER);
      case 'tools/list':
        return simple('tools/list', request.id, MODERN_TOOLS_LIST);
      case 'tools/call':
        return runTool(request, caller, signal, true);
      case 'prompts/list':
      case 'resources/list':
      case 'resources/templates/list':
        return simple(request.method, request.id, (EMPTY_LISTS[request.method] as { modern: Buffer }).modern);
      case 'resources/read':
        return resourceNotFound(request);
      default:
        // initialize, ping and the other session-era methods do not exist in this revision.
        countMcp('other', '', 'rpc_error').inc();
        return { status: 404, body: errorResponse(request.id, METHOD_NOT_FOUND, `Method not found: ${request.method}`) };
    }
  }

  async function guarded(id: JsonRpcId | null, caller: Caller, run: () => Promise<McpHttpResponse>): Promise<McpHttpResponse> {
    try {
      return await run();
    } catch (error) {
      logger.error({ err: error, reqId: caller.requestId }, 'MCP request failed');
      return { status: 200, body: errorResponse(id, INTERNAL_ERROR, `Internal error (request id ${caller.requestId})`) };
    }
  }

  return {
    /**
     * Handles one POST /mcp body. Never throws: every failure becomes a JSON-RPC error.
     * `signal` is asked for only when backend work starts (most requests never need one).
     */
    async handle(rawBody: Buffer, headers: Headers, caller: Caller, signal: () => AbortSignal): Promise<McpHttpResponse> {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { status: 400, body: errorResponse(null, PARSE_ERROR, 'Parse error: the body is not valid JSON') };
      }
      if (Array.isArray(parsed)) {
        return { status: 400, body: errorResponse(null, INVALID_REQUEST, 'Invalid Request: batches are not supported; send one JSON-RPC message per request') };
      }
      const classified = classifyMessage(parsed);
      if (classified.kind === 'invalid') {
        return { status: 400, body: errorResponse(classified.id, INVALID_REQUEST, `Invalid Request: ${classified.reason}`) };
      }
      if (classified.kind === 'response') return { status: 202, body: null };

      const message = classified.message;
      const isRequest = classified.kind === 'request';
      const id = isRequest ? (message as JsonRpcRequest).id : null;
      const claim = claimedVersion(message);
      const headerVersion = headerValue(headers, 'mcp-protocol-version');

      if (claim !== undefined) {
        const problem = checkModernEnvelope(message, headers, isRequest);
        if (problem) return { status: problem.status, body: errorResponse(id, problem.code, problem.message, problem.data) };
        if (!isRequest) return { status: 202, body: null };
        return guarded(id, caller, () => handleModern(message as JsonRpcRequest, caller, signal));
      }

      if (headerVersion !== undefined && isModernVersion(headerVersion)) {
        if (message.method === 'initialize') {
          return {
            status: 400,
            body: errorResponse(
              id,
              HEADER_MISMATCH,
              `Bad Request: the request headers and body disagree: initialize is not part of protocol revision ${headerVersion}`,
              {
                mismatch: { header: headerVersion, body: 'initialize' },
              },
            ),
          };
        }
        const problem = missingEnvelopeProblem(headerVersion);
        return { status: problem.status, body: errorResponse(id, problem.code, problem.message, problem.data) };
      }
      if (headerVersion !== undefined && !isSupportedLegacyVersion(headerVersion) && message.method !== 'initialize') {
        return {
          status: 400,
          body: errorResponse(
            id,
            -32000,
            `Bad Request: Unsupported protocol version ${headerVersion}; supported: ${[...LEGACY_PROTOCOL_VERSIONS, ...MODERN_PROTOCOL_VERSIONS].join(', ')}`,
          ),
        };
      }
      if (!isRequest) return { status: 202, body: null };
      return guarded(id, caller, () => handleLegacy(message as JsonRpcRequest, caller, signal));
    },
  };
}

export type McpDispatcher = ReturnType<typeof createMcpDispatcher>;
