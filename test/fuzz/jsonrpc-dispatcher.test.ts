// Property-based fuzzing of the JSON-RPC layer through the dispatcher (no sockets): arbitrary
// bytes, arbitrary JSON, near-valid requests in both protocol eras with arbitrary params and
// headers, and pathological nesting. Always: a well-formed JSON-RPC answer (or 202), the
// request's own id echoed, never a server error, never internals, bounded time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeUnits, deeplyNested, nastyValue, UNICODE_EDGES } from './arbitraries.js';
import { buildDispatcher, CALLER, expectWellFormed, signal, unexpectedFailures } from './rpc-checks.js';

const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'server/discover',
  'prompts/list',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'logging/setLevel',
  'completion/complete',
  'notifications/initialized',
  '',
];
const VERSIONS = ['2025-06-18', '2025-11-25', '2026-07-28', '1999-01-01', '', 'x'.repeat(300)];
const validId = fc.oneof(fc.integer(), fc.string({ maxLength: 256 }));
const anyId = fc.oneof(validId, fc.constantFrom(null, true, 1.5, Number.NaN, [], {}, 'x'.repeat(300)), fc.constant(undefined));

const { dispatcher, logs } = buildDispatcher();

async function dispatch(body: string | Buffer, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await dispatcher.handle(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headers, CALLER, signal);
  return { response, tookMs: performance.now() - started };
}

describe('JSON-RPC layer under fuzzing', () => {
  it('answers arbitrary bytes and arbitrary JSON with a well-formed error or result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
          codeUnits(200),
          fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const { response, tookMs } = await dispatch(body);
          expectWellFormed(response);
          expect(tookMs).toBeLessThan(1000);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers near-valid requests of either era with their own id, whatever the params and headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          id: anyId,
          method: fc.oneof(fc.constantFrom(...METHODS), codeUnits(30)),
          params: fc.oneof(nastyValue, fc.dictionary(fc.string({ maxLength: 10 }), nastyValue, { maxKeys: 4 })),
          modern: fc.boolean(),
          version: fc.constantFrom(...VERSIONS),
          name: fc.oneof(fc.constantFrom('search_documents', 'get_document', 'list_sources'), codeUnits(10)),
        }),
        async ({ id, method, params, modern, version, name }) => {
          const meta = modern
            ? {
                'io.modelcontextprotocol/protocolVersion': version,
                'io.modelcontextprotocol/clientCapabilities': params,
                'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '1' },
              }
            : undefined;
          const withMeta =
            params !== null && typeof params === 'object' && !Array.isArray(params)
              ? { ...(params as object), name, ...(meta ? { _meta: meta } : {}) }
              : params;
          const request = { jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params: withMeta };
          const headers: Record<string, string> = modern
            ? { 'mcp-protocol-version': version, 'mcp-method': method.replace(/[^\x20-\x7e]/g, '?'), 'mcp-name': name.replace(/[^\x20-\x7e]/g, '?') }
            : {};
          const { response, tookMs } = await dispatch(JSON.stringify(request), headers);
          const message = expectWellFormed(response);
          expect(tookMs).toBeLessThan(2000);
          const echoable = (typeof id === 'string' && id.length <= 256) || (typeof id === 'number' && Number.isFinite(id));
          if (message && echoable && response.status !== 400) expect(message.id).toBe(id);
        },
      ),
      { numRuns: 300 },
    );
    expect(unexpectedFailures(logs)).toEqual([]);
  });

  it('answers unicode edge cases in every string position', async () => {
    for (const edge of UNICODE_EDGES) {
      for (const request of [
        { jsonrpc: '2.0', id: edge, method: 'ping' },
        { jsonrpc: '2.0', id: 1, method: edge },
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: edge, arguments: {} } },
        { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: edge } },
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: edge, capabilities: {}, clientInfo: { name: edge, version: edge } } },
      ]) {
        expectWellFormed((await dispatch(JSON.stringify(request))).response);
      }
    }
  });

  it.each(['array', 'object'] as const)('answers JSON nested 100,000 levels deep (%s) in any position with an error, in bounded time', async (kind) => {
    const deep = deeplyNested(100_000, kind);
    const call = (args: string) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_documents","arguments":${args}}}`;
    const positions: Record<string, string> = {
      body: deep,
      id: `{"jsonrpc":"2.0","id":${deep},"method":"ping"}`,
      'params.name': `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${deep}}}`,
      arguments: call(deep),
      'arguments.query': call(`{"query":${deep}}`),
      'arguments.sources': call(`{"query":"x","sources":${deep}}`),
      'arguments (unknown key)': call(`{"query":"x","extra":${deep}}`),
      'get_document.document_id': `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_document","arguments":{"document_id":${deep}}}}`,
      'resources/read uri': `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":${deep}}}`,
      '_meta capabilities': `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":${deep},"io.modelcontextprotocol/clientInfo":{"name":"x","version":"1"}}}}`,
    };
    for (const [where, body] of Object.entries(positions)) {
      const { response, tookMs } = await dispatch(body);
      const message = expectWellFormed(response);
      expect(message?.error ?? message?.result?.isError, where).toBeTruthy();
      if (message?.result?.isError) expect(message.result.content[0].text, where).toMatch(/^INVALID_ARGUMENT: /);
      expect(tookMs).toBeLessThan(3000);
    }
  });
});
