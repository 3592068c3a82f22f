// MCP over stdio (the transport local clients launch a command for): newline-delimited JSON-RPC
// on an input stream, answers on an output stream and nothing else, served by the same dispatcher
// as POST /mcp. Resolves when the input ends and every request in flight has been answered.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Caller } from '../federation/types.js';
import type { McpDispatcher } from '../mcp/dispatcher.js';
import type { MessageBytes } from '../mcp/jsonrpc.js';
import { META_PROTOCOL_VERSION } from '../mcp/protocol-versions.js';

const NEWLINE = Buffer.from('\n');

export interface StdioTransportOptions {
  input: Readable;
  output: Writable;
  dispatcher: Pick<McpDispatcher, 'handle'>;
  /** The caller every message runs as (a local process: no key, every source). */
  caller: Omit<Caller, 'requestId'>;
  /** Longest a request may still run once the input has closed (default 10 s). */
  drainMs?: number;
  /** Told of a failure the dispatcher did not turn into an answer (it should not happen). */
  onError?: (error: unknown) => void;
}

type Headers = Record<string, string>;

/**
 * The HTTP headers a message implies. Over HTTP the 2026-07-28 era repeats the envelope's
 * version, method and tool name in headers that must agree with the body; stdio has no headers,
 * so they are taken from the body and the dispatcher's other checks apply unchanged.
 */
export function impliedHeaders(message: unknown): Headers {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return {};
  const { method, params } = message as { method?: unknown; params?: Record<string, unknown> };
  const meta = params?._meta;
  const version = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)[META_PROTOCOL_VERSION] : undefined;
  if (typeof version !== 'string') return {};
  const headers: Headers = { 'mcp-protocol-version': version };
  if (typeof method === 'string') headers['mcp-method'] = method;
  const name = method === 'resources/read' ? params?.uri : params?.name;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return headers;
}

function idKey(id: unknown): string | null {
  return typeof id === 'string' || typeof id === 'number' ? `${typeof id}:${id}` : null;
}

export async function serveStdio(options: StdioTransportOptions): Promise<void> {
  const { input, output, dispatcher, caller } = options;
  const inFlight = new Set<Promise<void>>();
  /** Requests that may be cancelled (notifications/cancelled names them by id). */
  const cancellable = new Map<string, AbortController>();
  let sequence = 0;

  /** One write per message, so that lines never interleave; a message in parts is joined once, with its newline. */
  function write(body: MessageBytes): void {
    output.write(Buffer.concat(Buffer.isBuffer(body) ? [body, NEWLINE] : [...body, NEWLINE]));
  }

  async function handleLine(line: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const message = parsed as { id?: unknown; method?: unknown; params?: { requestId?: unknown } } | undefined;
    if (message?.method === 'notifications/cancelled') {
      const key = idKey(message.params?.requestId);
      if (key !== null) cancellable.get(key)?.abort(new Error('cancelled by the client'));
      return;
    }
    const key = message?.method !== undefined ? idKey(message.id) : null;
    const controller = key === null ? null : new AbortController();
    if (key !== null && controller !== null) cancellable.set(key, controller);
    sequence += 1;
    try {
      const response = await dispatcher.handle(
        Buffer.from(line, 'utf8'),
        impliedHeaders(parsed),
        { ...caller, requestId: `stdio-${sequence}` },
        () => (controller ?? new AbortController()).signal,
      );
      if (response.body !== null) write(response.body);
    } finally {
      if (key !== null) cancellable.delete(key);
    }
  }

  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const pending = handleLine(line).catch((error: unknown) => options.onError?.(error));
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
  }
  // The client closed our input: answer what it already asked (it may still read), within reason.
  const drained = Promise.allSettled([...inFlight]);
  const timer = new Promise<void>((resolve) => setTimeout(resolve, options.drainMs ?? 10_000).unref());
  await Promise.race([drained, timer]);
  for (const controller of cancellable.values()) controller.abort(new Error('stdin closed'));
}
