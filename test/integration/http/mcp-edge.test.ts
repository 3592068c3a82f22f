// The MCP endpoint over real HTTP: the seed's plain curl, both protocol eras, and every edge error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server.js';
import type { RateLimiter } from '../../../src/shared-state/rate-limiter.js';
import { createFakeSearchService, type FakeSearchService } from '../../helpers/fake-search-service.js';
import { postJson, startTestApp } from '../../helpers/start-test-app.js';

const MODERN = '2026-07-28';
const modernMeta = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1.0.0' },
};
const modernHeaders = (method: string, name?: string): Record<string, string> => ({
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': MODERN,
  'mcp-method': method,
  ...(name ? { 'mcp-name': name } : {}),
});

describe('POST /mcp without keys (loopback)', () => {
  let server: RunningServer;
  let service: FakeSearchService;
  beforeAll(async () => {
    service = createFakeSearchService();
    server = await startTestApp({ service, bodyLimitBytes: 64 * 1024 });
  });
  afterAll(() => server.close());

  it("answers the seed tutorial's plain tools/list with plain JSON", async () => {
    const answer = await postJson(server.url, { jsonrpc: '2.0', method: 'tools/list', params: {}, id: 1 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json.id).toBe(1);
    expect(answer.json.result.tools.map((tool: { name: string }) => tool.name)).toEqual(['search_documents', 'get_document', 'list_sources']);
    for (const tool of answer.json.result.tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema.type).toBe('object');
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    }
  });

  it('echoes a request id header, or makes one', async () => {
    const mine = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs tools/call and returns structuredContent plus the same JSON as text', async () => {
    const answer = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 'a',
      method: 'tools/call',
      params: { name: 'search_documents', arguments: { query: '  remote work ' } },
    });
    expect(answer.status).toBe(200);
    const result = answer.json.result;
    expect(result.isError).toBe(false);
    expect(result.structuredContent.results[0].id).toBe('runbooks:remote-work.md');
    expect(JSON.parse(result.content[0].text)).toEqual(result.structuredContent);
    expect(service.calls.at(-1)?.input).toMatchObject({ query: 'remote work', limit: 10 });
  });

  it('answers initialize with the requested revision, and ping with {}', async () => {
    const init = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    expect(init.json.result).toMatchObject({ protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'knowledge-mcp' } });
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const unknownVersion = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '1999-01-01', capabilities: {} },
    });
    expect(unknownVersion.json.result.protocolVersion).toBe('2025-11-25');
    const ping = await postJson(server.url, { jsonrpc: '2.0', id: 9, method: 'ping' });
    expect(ping.json).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
  });

  it('names the field and what was expected for invalid arguments', async () => {
    const answer = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'search_documents', arguments: { query: 'x', limit: 500 } },
    });
    expect(answer.json.result.isError).toBe(true);
    expect(answer.json.result.content[0].text).toMatch(/INVALID_ARGUMENT: .*limit.*50/);
    const missing = await postJson(server.url, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_document', arguments: {} } });
    expect(missing.json.result.content[0].text).toMatch(/document_id/);
  });

  it('shows exposed service errors and hides unexpected ones behind the request id', async () => {
    const unknown = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'get_document', arguments: { document_id: 'nope:1' } },
    });
    expect(unknown.json.result).toMatchObject({ isError: true, content: [{ text: 'UNKNOWN_SOURCE: no source named "nope"' }] });
    const exploded = await postJson(
      server.url,
      { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'explode' } } },
      { 'x-request-id': 'req-77' },
    );
    expect(exploded.status).toBe(200);
    expect(exploded.text).not.toMatch(/SELECT|exploded|at .*\.ts/);
    expect(exploded.json.result.content[0].text).toBe('internal error (request id req-77)');
  });

  it('rejects an unknown tool with -32602', async () => {
    const answer = await postJson(server.url, { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'drop_tables', arguments: {} } });
    expect(answer.json.error.code).toBe(-32602);
    expect(answer.json.error.message).toMatch(/drop_tables/);
  });

  it('answers unknown methods with -32601, malformed JSON with -32700, batches with -32600', async () => {
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 7, method: 'completion/complete' })).json.error.code).toBe(-32601);
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 7, method: 'resources/list' })).json.result).toEqual({ resources: [] });
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 7, method: 'resources/read', params: { uri: 'x://y' } })).json.error).toMatchObject({
      code: -32602,
      data: { uri: 'x://y' },
    });
    const malformed = await postJson(server.url, '{"jsonrpc":"2.0",');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ id: null, error: { code: -32700 } });
    const batch = await postJson(server.url, [{ jsonrpc: '2.0', id: 1, method: 'ping' }]);
    expect(batch.status).toBe(400);
    expect(batch.json.error.code).toBe(-32600);
    const wrongVersion = await postJson(server.url, { jsonrpc: '1.0', id: 8, method: 'ping' });
    expect(wrongVersion.json).toMatchObject({ id: 8, error: { code: -32600 } });
  });

  it('accepts notifications and client responses with 202 and no body', async () => {
    const notification = await postJson(server.url, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notification.status).toBe(202);
    expect(notification.text).toBe('');
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 1, result: {} })).status).toBe(202);
  });

  it('refuses bodies over the limit with 413, other media types with 415', async () => {
    const big = await postJson(server.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_documents', arguments: { query: 'x'.repeat(70 * 1024) } },
    });
    expect(big.status).toBe(413);
    expect(big.json.error.message).toMatch(/larger than/);
    const form = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });

  it('refuses foreign Origins and Host names (DNS rebinding), allows loopback ones', async () => {
    const foreign = await postJson(server.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const local = await postJson(server.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
    const rebound = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const url = new URL(server.url);
        const req = request(
          { host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
      }, reject);
    });
    expect(rebound).toBe(403);
  });

  it('answers every method but POST on /mcp with 405 and Allow: POST (stateless server)', async () => {
    const get = await fetch(`${server.url}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    for (const method of ['DELETE', 'PUT', 'PATCH']) {
      const answer = await fetch(`${server.url}/mcp`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'DELETE' ? undefined : '{}',
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    }
  });

  it('takes POST /mcp with a trailing slash or a query string like /mcp', async () => {
    for (const path of ['/mcp/', '/mcp?client=test']) {
      const answer = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
    }
  });

  describe('stateless 2026-07-28 era', () => {
    it('serves server/discover and tools/list with cache hints and server info', async () => {
      const discover = await postJson(
        server.url,
        { jsonrpc: '2.0', id: 201, method: 'server/discover', params: { _meta: modernMeta } },
        modernHeaders('server/discover'),
      );
      expect(discover.status).toBe(200);
      expect(discover.json.result).toMatchObject({ resultType: 'complete', supportedVersions: [MODERN], capabilities: { tools: {} }, cacheScope: 'public' });
      expect(discover.json.result._meta['io.modelcontextprotocol/serverInfo'].name).toBe('knowledge-mcp');
      const list = await postJson(server.url, { jsonrpc: '2.0', id: 202, method: 'tools/list', params: { _meta: modernMeta } }, modernHeaders('tools/list'));
      expect(list.json.result.resultType).toBe('complete');
      expect(list.json.result.ttlMs).toBeGreaterThan(0);
      expect(list.json.result.tools).toHaveLength(3);
    });

    it('runs tools/call when Mcp-Name matches the body', async () => {
      const call = await postJson(
        server.url,
        { jsonrpc: '2.0', id: 203, method: 'tools/call', params: { name: 'list_sources', arguments: {}, _meta: modernMeta } },
        modernHeaders('tools/call', 'list_sources'),
      );
      expect(call.json.result).toMatchObject({ resultType: 'complete', isError: false, structuredContent: { sources: [{ name: 'runbooks' }] } });
    });

    it('rejects headers that disagree with the body, and a missing envelope', async () => {
      const wrongName = await postJson(
        server.url,
        { jsonrpc: '2.0', id: 301, method: 'tools/call', params: { name: 'list_sources', arguments: {}, _meta: modernMeta } },
        modernHeaders('tools/call', 'search_documents'),
      );
      expect(wrongName.status).toBe(400);
      expect(wrongName.json).toMatchObject({ id: 301, error: { code: -32020 } });
      const noEnvelope = await postJson(server.url, { jsonrpc: '2.0', id: 302, method: 'tools/list', params: {} }, modernHeaders('tools/list'));
      expect(noEnvelope.status).toBe(400);
      expect(noEnvelope.json.error.code).toBe(-32602);
      const future = await postJson(
        server.url,
        { jsonrpc: '2.0', id: 303, method: 'server/discover', params: { _meta: { ...modernMeta, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' } } },
        { ...modernHeaders('server/discover'), 'mcp-protocol-version': 'v999.0.0' },
      );
      expect(future.json).toMatchObject({ id: 303, error: { code: -32022, data: { supported: [MODERN], requested: 'v999.0.0' } } });
    });

    it('answers session-era methods with 404 / -32601', async () => {
      const ping = await postJson(server.url, { jsonrpc: '2.0', id: 500, method: 'ping', params: { _meta: modernMeta } }, modernHeaders('ping'));
      expect(ping.status).toBe(404);
      expect(ping.json.error.code).toBe(-32601);
    });
  });
});

describe('POST /mcp with API keys', () => {
  let server: RunningServer;
  const key = 'k3y-0123456789abcdef';
  beforeAll(async () => {
    server = await startTestApp({ service: createFakeSearchService(), keys: [{ name: 'ci', key, sources: null, rateLimitPerMinute: 0 }] });
  });
  afterAll(() => server.close());
  const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

  it('refuses a missing or wrong key with 401 and a JSON-RPC body that names no key', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'wrong-key-0123456789' },
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${key}` },
    ];
    for (const headers of attempts) {
      const answer = await postJson(server.url, ping, headers);
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe(-32001);
      expect(answer.text).not.toContain('ci');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('accepts the key as x-api-key or as a Bearer token', async () => {
    expect((await postJson(server.url, ping, { 'x-api-key': key })).status).toBe(200);
    expect((await postJson(server.url, ping, { authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it('protects /metrics but not /healthz', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { 'x-api-key': key } })).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('per-key rate limits at the edge', () => {
  let server: RunningServer;
  let failing = false;
  const budgets = new Map<string, number>();
  const asked: Array<[string, number]> = [];
  const rateLimiter: RateLimiter = {
    async consume(keyName, policy) {
      const limit = policy?.points ?? 0;
      asked.push([keyName, limit]);
      if (failing) throw new Error('redis: connection reset by 10.0.0.7');
      const used = (budgets.get(keyName) ?? 0) + 1;
      budgets.set(keyName, used);
      return used <= limit ? { allowed: true, remaining: limit - used } : { allowed: false, retryAfterSeconds: 7 };
    },
  };
  const keys = [
    { name: 'default-limit', key: 'key-default-0123456789', sources: null, rateLimitPerMinute: 0 },
    { name: 'own-limit', key: 'key-own-0123456789abc', sources: null, rateLimitPerMinute: 5 },
  ];
  beforeAll(async () => {
    server = await startTestApp({ service: createFakeSearchService(), keys, rateLimiter, rateLimitPerMinute: 2 });
  });
  afterAll(() => server.close());
  const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

  it("answers 429 with Retry-After and a JSON-RPC body once a key's budget is spent, on /mcp and /metrics alike", async () => {
    const headers = { 'x-api-key': keys[0]!.key };
    expect((await postJson(server.url, ping, headers)).status).toBe(200);
    expect((await postJson(server.url, ping, headers)).status).toBe(200);
    const refused = await postJson(server.url, ping, headers);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.json.error).toMatchObject({ code: -32005, message: 'Too Many Requests: retry after 7 s' });
    const metrics = await fetch(`${server.url}/metrics`, { headers });
    expect(metrics.status).toBe(429);
    expect(metrics.headers.get('retry-after')).toBe('7');
  });

  it("uses a key's own limit over the server default, and counts each key apart", async () => {
    const headers = { authorization: `Bearer ${keys[1]!.key}` };
    for (let i = 0; i < 5; i += 1) expect((await postJson(server.url, ping, headers)).status).toBe(200);
    expect((await postJson(server.url, ping, headers)).status).toBe(429);
    expect(asked.filter(([name]) => name === 'own-limit').every(([, limit]) => limit === 5)).toBe(true);
    expect(asked.filter(([name]) => name === 'default-limit').every(([, limit]) => limit === 2)).toBe(true);
  });

  it('answers 503 naming only the request id when the limiter itself fails, never its error', async () => {
    failing = true;
    try {
      const answer = await postJson(server.url, ping, { 'x-api-key': keys[1]!.key, 'x-request-id': 'limiter-down-1' });
      expect(answer.status).toBe(503);
      expect(answer.json.error.message).toBe('internal error (request id limiter-down-1)');
      expect(answer.text).not.toContain('10.0.0.7');
    } finally {
      failing = false;
    }
  });
});
