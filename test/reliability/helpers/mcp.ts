// Plain-HTTP MCP calls as an agent makes them (the seed's stateless JSON-RPC POST), with timing,
// and the one check every fault and fuzz test shares: nothing internal leaks into an answer.
import { expect } from 'vitest';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
  tookMs: number;
}

export async function postMcp(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<HttpAnswer> {
  const started = performance.now();
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, tookMs: performance.now() - started };
}

let nextId = 1;

export interface ToolAnswer extends HttpAnswer {
  /** The tools/call result (isError, content, structuredContent), or undefined on a JSON-RPC error. */
  result: { isError: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any } | undefined;
}

export async function callTool(url: string, name: string, args: unknown, headers: Record<string, string> = {}, timeoutMs?: number): Promise<ToolAnswer> {
  const answer = await postMcp(url, { jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } }, headers, timeoutMs);
  return { ...answer, result: answer.json?.result };
}

/**
 * Text that must never reach an agent: stack frames, source paths, Node/pg/Elasticsearch error
 * names and messages, SQL. (Exposed one-line messages like "postgres is unreachable" are fine.)
 */
export const INTERNALS = [
  /\n\s+at\s/,
  /\bat [\w.<>]+ \(/,
  /\.(?:ts|js|mjs):\d+/,
  /node_modules/,
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError)\b/,
  /Unexpected (?:token|end of JSON)|in JSON at position|JSON\.parse/i,
  /\bE(?:CONNRESET|CONNREFUSED|PIPE|TIMEDOUT)\b/,
  /socket hang up|Connection terminated|terminating connection/i,
  /\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|syntax error at or near|relation "/i,
  /\b(?:ResponseError|DeserializationError|ConnectionError|x_content_parse_exception|parse_exception|query_shard_exception)\b/,
  /\bCqlError\b|unexpected character/,
];

export function leakedInternals(text: string): string[] {
  return INTERNALS.filter((pattern) => pattern.test(text)).map((pattern) => String(pattern));
}

/**
 * The parts of an answer where the server speaks for itself: error messages and data, tool
 * error texts, per-source error lines. Results echo the query and documents' own text, which
 * may legitimately hold SQL or stack traces (a runbook about a database), so those are skipped.
 */
export function diagnosticText(body: string): string {
  let message: any;
  try {
    message = JSON.parse(body);
  } catch {
    return body;
  }
  if (message === null || typeof message !== 'object') return body;
  const parts: string[] = [];
  if (message.error) parts.push(String(message.error.message), JSON.stringify(message.error.data ?? null));
  const result = message.result;
  if (result?.isError) parts.push(...(result.content ?? []).map((c: { text?: string }) => String(c.text)));
  for (const source of result?.structuredContent?.sources ?? []) if (source?.error) parts.push(String(source.error));
  if (!message.jsonrpc) parts.push(body);
  return parts.join('\n');
}

export function expectNoInternals(body: string): void {
  const text = diagnosticText(body);
  expect(leakedInternals(text), `internals in: ${text.slice(0, 500)}`).toEqual([]);
}
