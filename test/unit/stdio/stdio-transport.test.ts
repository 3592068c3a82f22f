// The stdio transport on in-memory streams with the real dispatcher: one line per answer, none for
// notifications, the 2026-07-28 envelope accepted without HTTP headers, cancellation reaching the
// service's signal, and the end of input waiting for answers already asked for.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SearchService } from '../../../src/federation/types.js';
import { createLogger } from '../../../src/logger.js';
import { createMcpDispatcher } from '../../../src/mcp/dispatcher.js';
import { createMetrics } from '../../../src/metrics.js';
import { impliedHeaders, serveStdio } from '../../../src/stdio/stdio-transport.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'unit', version: '1' },
};

function start(service: SearchService) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += chunk;
  });
  const dispatcher = createMcpDispatcher({ service, logger: createLogger('silent'), metrics: createMetrics({ defaultMetrics: false }) });
  const done = serveStdio({ input, output, dispatcher, caller: { keyName: null, allowedSources: null, principals: null }, drainMs: 2000 });
  const send = (message: unknown) => input.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  const answers = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: unknown; result?: Record<string, unknown>; error?: { code: number } });
  return { input, send, answers, done };
}

describe('stdio transport', () => {
  it('answers each request on its own line, nothing for notifications, and ends when the input does', async () => {
    const io = start(createFakeSearchService());
    io.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'u', version: '1' } },
    });
    io.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    io.send({ jsonrpc: '2.0', id: 'two', method: 'tools/list' });
    io.input.end();
    await io.done;
    expect(io.answers().map((answer) => answer.id)).toEqual([1, 'two']);
  });

  it('serves the stateless 2026-07-28 era from the envelope alone (stdio has no headers)', async () => {
    const io = start(createFakeSearchService());
    io.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'remote work' }, _meta: MODERN_META } });
    io.input.end();
    await io.done;
    const [answer] = io.answers();
    expect(answer?.error).toBeUndefined();
    expect(answer?.result?.resultType).toBe('complete');
    expect(impliedHeaders({ method: 'tools/call', params: { name: 'x', _meta: MODERN_META } })).toEqual({
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'x',
    });
    expect(impliedHeaders({ method: 'tools/list', params: {} })).toEqual({});
  });

  it('passes notifications/cancelled on to the request’s signal', async () => {
    let seen: AbortSignal | null = null;
    const service = createFakeSearchService();
    service.search = (_input, _caller, signal) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const io = start(service);
    io.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'slow' } } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    io.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } });
    io.input.end();
    await io.done;
    expect((seen as AbortSignal | null)?.aborted).toBe(true);
    expect(io.answers()[0]?.result?.isError).toBe(true);
  });

  it('answers a line that is not JSON with a parse error', async () => {
    const io = start(createFakeSearchService());
    io.send('{not json');
    io.input.end();
    await io.done;
    expect(io.answers()).toEqual([expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32700 }) })]);
  });
});
