// A busy, slow or locked cluster through the real client: 429/503 become one-line source errors,
// an abort really cancels the HTTP request, and each auth scheme reaches the cluster as it should.
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeError, SourceError, isAbortError } from '../../../connectors/contract/errors.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { makeConnector, timeout } from './harness.js';

let double: ElasticsearchDouble;
afterEach(async () => {
  await double.close();
});

async function seeded(options: Parameters<typeof startElasticsearchDouble>[0] = {}): Promise<ElasticsearchDouble> {
  const started = await startElasticsearchDouble(options);
  started.seed('docs', [{ id: '1', title: 'Snow tyres', body: 'Fit snow tyres in November.' }]);
  return started;
}

const query = (signal: AbortSignal = timeout()) => ({ query: 'snow', limit: 5, updatedAfter: null, signal });

describe('a busy or failing cluster', () => {
  it.each([
    [429, 'the cluster is overloaded and rejected the request (es_rejected_execution_exception)'],
    [503, 'the cluster failed the request (search_phase_execution_exception)'],
  ] as const)('turns a %i into an exposed SOURCE_UNAVAILABLE, and the next call goes through', async (status, message) => {
    double = await seeded();
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    double.failNext(status, 1, (r) => r.path.endsWith('/_search'));
    const failure = await connector.search(query()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({ code: 'SOURCE_UNAVAILABLE', expose: true, message });
    expect((await connector.search(query()))[0]?.nativeId).toBe('1');
    await connector.close();
  });

  it('cancels the HTTP request when the caller aborts, and rejects at once with the abort', async () => {
    double = await seeded();
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    double.delayResponses(5_000, (r) => r.path.endsWith('/_search'));
    const controller = new AbortController();
    const started = Date.now();
    const pending = connector.search(query(controller.signal));
    setTimeout(() => controller.abort(), 100);
    const failure = await pending.catch((error: unknown) => error);
    expect(isAbortError(failure)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => double.cancelled.map((r) => r.path)).toEqual(['/docs/_search']);
    await connector.close();
  });

  it('reports a federation timeout as the TimeoutError it is', async () => {
    double = await seeded();
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    double.delayResponses(3_000, (r) => r.path.endsWith('/_search'));
    const failure = await connector.search(query(AbortSignal.timeout(150))).catch((error: unknown) => error);
    expect((failure as Error).name).toBe('TimeoutError');
    await connector.close();
  });

  it('gives up on its own after request_timeout_ms with SOURCE_TIMEOUT', async () => {
    double = await seeded();
    const connector = makeConnector(double.url, { request_timeout_ms: 200 });
    await connector.start(timeout());
    double.delayResponses(3_000, (r) => r.path.endsWith('/_search'));
    await expect(connector.search(query())).rejects.toMatchObject({ code: 'SOURCE_TIMEOUT' });
    await connector.close();
  });

  it('fails over to the next node when one is down', async () => {
    double = await seeded();
    const dead = await startElasticsearchDouble();
    const deadUrl = dead.url;
    await dead.close();
    const connector = makeConnector(double.url, { node: undefined, nodes: [deadUrl, double.url] });
    for (let i = 0; i < 3; i += 1) expect((await connector.search(query()))[0]?.nativeId).toBe('1');
    await connector.close();
  });
});

describe('auth', () => {
  it.each([
    ['an API key from an env var', { api_key_env: 'ES_KEY' }, { ES_KEY: 'c2VjcmV0' }],
    ['basic auth with the password from an env var', { username: 'elastic', password_env: 'ES_PASS' }, { ES_PASS: 'changeme' }],
    ['a bearer token', { bearer: 'tok-123' }, {}],
  ])('reaches a secured cluster with %s', async (_label, auth, env) => {
    double = await startElasticsearchDouble({ auth: { apiKey: 'c2VjcmV0', username: 'elastic', password: 'changeme', bearer: 'tok-123' } });
    double.seed('docs', [{ id: '1', title: 'Snow tyres', body: 'Fit snow tyres in November.' }]);
    const connector = makeConnector(double.url, auth, env);
    expect((await connector.search(query()))[0]?.nativeId).toBe('1');
    await connector.close();
  });

  it('says the credentials were refused, without echoing them', async () => {
    double = await startElasticsearchDouble({ auth: { apiKey: 'c2VjcmV0' } });
    const connector = makeConnector(double.url, { api_key: 'd3Jvbmc=' });
    const failure = await connector.start(timeout()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SOURCE_ERROR', message: 'the cluster refused the credentials (security_exception)' });
    expect(JSON.stringify(failure)).not.toContain('d3Jvbmc=');
    await connector.close();
  });

  it('refuses to build a source whose secret env var is unset', () => {
    double = { close: async () => {} } as ElasticsearchDouble;
    expect(() => makeConnector('http://127.0.0.1:9', { api_key_env: 'NOT_SET_ANYWHERE' })).toThrow(KnowledgeError);
    expect(() => makeConnector('http://127.0.0.1:9', { api_key_env: 'NOT_SET_ANYWHERE' })).toThrow(/api_key_env names NOT_SET_ANYWHERE/);
  });
});
