// The server side of MCP over streamable HTTP, kept lean for the hot path: one POST body in,
// one JSON answer out, for both eras (initialize-based 2025 and stateless 2026-07-28).
// One table maps each method to its handler per era; static answers come from static-answers.ts.
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Caller, SearchService } from '../federation/types.js';
import { callTool, isToolName } from '../tools/call-tool.js';
import { serializeToolResult, type ToolResult } from '../tools/result-wire.js';
import { TOOL_DEFINITIONS } from '../tools/definitions.js';
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
  type MessageBytes,
} from './jsonrpc.js';
import { checkModernEnvelope, claimedVersion, missingEnvelopeProblem } from './modern-envelope.js';
import { isModernVersion, isSupportedLegacyVersion, LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS } from './protocol-versions.js';
import {
  EMPTY_RESULT,
  emptyListAnswers,
  initializeResult,
  LEGACY_TOOLS_LIST,
  MODERN_DISCOVER,
  MODERN_RESULT_PREFIX,
  MODERN_TOOLS_LIST,
} from './static-answers.js';

export interface McpHttpResponse {
  status: number;
  /** Serialised JSON-RPC message (UTF-8), or null for 202 Accepted. */
  body: MessageBytes | null;
}

export interface McpDispatcherDeps {
  service: SearchService;
  logger: Logger;
  metrics: Metrics;
}

type Headers = Record<string, string | string[] | undefined>;

/** Initialize-based 2025 revisions, or the stateless 2026-07-28 one. */
type Era = 'legacy' | 'modern';
type MethodHandler = (request: JsonRpcRequest, caller: Caller, signal: () => AbortSignal) => McpHttpResponse | Promise<McpHttpResponse>;
type EraHandlers = Partial<Record<Era, MethodHandler>>;

/**
 * Documents are not offered as resources: any well-formed read is "not found". A `uri` that is
 * not a string is the caller's mistake (-32602), not ours.
 */
function resourceNotFound(request: JsonRpcRequest): McpHttpResponse {
  const uri = request.params?.uri;
  if (typeof uri !== 'string') {
    return { status: 200, body: errorResponse(request.id, INVALID_PARAMS, 'Invalid params: params.uri must be a string') };
  }
  return {
    status: 200,
    body: errorResponse(request.id, INVALID_PARAMS, `Resource not found: ${uri}; documents are read with the get_document tool`, { uri }),
  };
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/**
 * RFC 8259 §8.1: senders must not put a byte order mark before JSON, but parsers may ignore one,
 * "in the interests of interoperability" — and Windows tools (PowerShell 5, Notepad) do send it.
 * So a leading UTF-8 BOM is dropped rather than answered with -32700.
 */
function withoutByteOrderMark(body: Buffer): Buffer {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
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
    metrics.mcpLatency.of('tools/call', name).observe(seconds);
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

  /** A method whose answer never changes: counted, then sent behind the request's id. */
  const fixed =
    (answer: Buffer): MethodHandler =>
    (request) =>
      simple(request.method, request.id, answer);
  const emptyList = (field: string): EraHandlers => {
    const answers = emptyListAnswers(field);
    return { legacy: fixed(answers.legacy), modern: fixed(answers.modern) };
  };

  /**
   * Every method this server answers, per protocol era. A method missing from an era is
   * "method not found" there: initialize, ping and logging/setLevel do not exist in the
   * stateless revision, server/discover only exists there.
   */
  const methods = new Map<string, EraHandlers>([
    ['initialize', { legacy: (request) => simple('initialize', request.id, initializeResult(request.params)) }],
    ['ping', { legacy: fixed(EMPTY_RESULT) }],
    // Accepted for compatibility; this server sends no log notifications.
    ['logging/setLevel', { legacy: fixed(EMPTY_RESULT) }],
    ['server/discover', { modern: fixed(MODERN_DISCOVER) }],
    ['tools/list', { legacy: fixed(LEGACY_TOOLS_LIST), modern: fixed(MODERN_TOOLS_LIST) }],
    [
      'tools/call',
      {
        legacy: (request, caller, signal) => runTool(request, caller, signal, false),
        modern: (request, caller, signal) => runTool(request, caller, signal, true),
      },
    ],
    ['prompts/list', emptyList('prompts')],
    ['resources/list', emptyList('resources')],
    ['resources/templates/list', emptyList('resourceTemplates')],
    ['resources/read', { legacy: resourceNotFound, modern: resourceNotFound }],
  ]);

  function dispatch(era: Era, request: JsonRpcRequest, caller: Caller, signal: () => AbortSignal): McpHttpResponse | Promise<McpHttpResponse> {
    const handler = methods.get(request.method)?.[era];
    if (handler !== undefined) return handler(request, caller, signal);
    countMcp('other', '', 'rpc_error').inc();
    // The stateless revision answers an unknown method with 404 as well as the JSON-RPC error.
    return { status: era === 'modern' ? 404 : 200, body: errorResponse(request.id, METHOD_NOT_FOUND, `Method not found: ${request.method}`) };
  }

  async function guarded(id: JsonRpcId | null, caller: Caller, run: () => McpHttpResponse | Promise<McpHttpResponse>): Promise<McpHttpResponse> {
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
        parsed = JSON.parse(withoutByteOrderMark(rawBody).toString('utf8'));
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
        return guarded(id, caller, () => dispatch('modern', message as JsonRpcRequest, caller, signal));
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
      return guarded(id, caller, () => dispatch('legacy', message as JsonRpcRequest, caller, signal));
    },
  };
}

export type McpDispatcher = ReturnType<typeof createMcpDispatcher>;
