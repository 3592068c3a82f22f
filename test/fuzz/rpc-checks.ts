// What every fuzzed answer must be: well-formed JSON-RPC (or 202 with no body), never a server
// error, never internals; and a dispatcher over scripted sources to fuzz without sockets.
import { expect } from 'vitest';
import { ScriptedConnector } from '../../connectors/scripted/index.js';
import { createFederation, type FederatedSource } from '../../src/federation/index.js';
import type { Caller } from '../../src/federation/types.js';
import { createMcpDispatcher, type McpHttpResponse } from '../../src/mcp/dispatcher.js';
import { messageText } from '../helpers/message-bytes.js';
import { createMetrics } from '../../src/metrics.js';
import { captureLogs, type CapturedLogs } from '../reliability/helpers/capture-logs.js';
import { expectNoInternals } from '../reliability/helpers/mcp.js';

export const CALLER: Caller = { keyName: 'fuzz', allowedSources: null, requestId: 'fuzz-req' };
export const ALLOWED_STATUSES = [200, 202, 400, 404];

export interface JsonRpcAnswer {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

/** Checks shape and hygiene; returns the parsed message (null for 202). */
export function expectWellFormed(response: McpHttpResponse): JsonRpcAnswer | null {
  expect(ALLOWED_STATUSES).toContain(response.status);
  if (response.status === 202) {
    expect(response.body).toBeNull();
    return null;
  }
  // one buffer, or parts that are all buffers
  const body = response.body;
  expect(body !== null && (Buffer.isBuffer(body) || body.every((part) => Buffer.isBuffer(part)))).toBe(true);
  const text = messageText(body!);
  expectNoInternals(text);
  const message = JSON.parse(text) as JsonRpcAnswer;
  expect(message.jsonrpc).toBe('2.0');
  expect('result' in message !== 'error' in message).toBe(true);
  if (message.error) {
    expect(Number.isInteger(message.error.code)).toBe(true);
    expect(typeof message.error.message).toBe('string');
    expect(message.error.message.length).toBeGreaterThan(0);
    expect(message.error.message.length).toBeLessThan(2000);
  }
  return message;
}

export function scriptedSources(): FederatedSource[] {
  const docs = (prefix: string) =>
    Array.from({ length: 6 }, (_, i) => ({
      id: `${prefix}-${i}`,
      title: `${prefix} deploy note ${i}`,
      text: `How to deploy and roll back, part ${i}.`,
      url: `https://docs.example.com/${prefix}/${i}`,
    }));
  return ['handbook', 'runbooks'].map((name) => ({
    connector: new ScriptedConnector({ name, ranking: 'match', documents: docs(name) }),
    config: { weight: 1, timeout_ms: 1000, max_concurrency: 16 },
  }));
}

export function buildDispatcher(sources: FederatedSource[] = scriptedSources()): { dispatcher: ReturnType<typeof createMcpDispatcher>; logs: CapturedLogs } {
  const logs = captureLogs('info');
  const federation = createFederation({ sources, settings: { cursorSecret: 'fuzz-secret' }, logger: logs.logger });
  const dispatcher = createMcpDispatcher({ service: federation, logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }) });
  return { dispatcher, logs };
}

const never = new AbortController().signal;
export const signal = (): AbortSignal => never;

/** Lines logged as unexpected failures (a fuzz input that reached a code path nobody planned). */
export function unexpectedFailures(logs: CapturedLogs): string[] {
  return logs
    .records()
    .filter((r) => r.level >= 50)
    .map((r) => `${r.msg}: ${JSON.stringify(r.err ?? '').slice(0, 300)}`);
}
