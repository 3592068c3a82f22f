// Version handling through the real client and real HTTP: 8.x gets compatible-with=8 media types
// (the 9.x client's defaults are refused there), 9.x its defaults, 7.x and OpenSearch a clear error.
import { Client, errors } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fixtureDocuments, fromArray, makeConnector, timeout } from './harness.js';

let double: ElasticsearchDouble;
afterEach(async () => {
  await double?.close();
});

describe('an 8.x cluster', () => {
  it("refuses the 9.x client's default media types with media_type_header_exception", async () => {
    double = await startElasticsearchDouble({ flavor: '8' });
    const plain = new Client({ node: double.url });
    const failure = await plain.search({ index: 'docs', query: { match_all: {} } }).catch((error: unknown) => error);
    await plain.close();
    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect((failure as errors.ResponseError).statusCode).toBe(400);
    expect((failure as errors.ResponseError).body.error.type).toBe('media_type_header_exception');
  });

  it('is probed with plain JSON, then spoken to with compatible-with=8 for JSON and NDJSON bodies', async () => {
    double = await startElasticsearchDouble({ flavor: '8' });
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    await connector.ingest(fromArray(fixtureDocuments()), { signal: timeout() });
    const hits = await connector.search({ query: 'backup restore', limit: 5, updatedAfter: null, signal: timeout() });
    expect(hits[0]?.nativeId).toBe('kb-003');

    const [probe, ...rest] = double.requests;
    expect(probe?.path).toBe('/');
    expect(probe?.headers.accept).toBe('application/json');
    expect(rest.length).toBeGreaterThan(4);
    for (const request of rest) expect(request.headers.accept).toContain('compatible-with=8');
    const bulk = rest.find((request) => request.path.endsWith('/_bulk'));
    expect(bulk?.headers['content-type']).toBe('application/vnd.elasticsearch+x-ndjson; compatible-with=8');
    await connector.close();
  });
});

describe('a 9.x cluster', () => {
  it("gets the client's own compatible-with=9 media types", async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    await connector.ingest(fromArray(fixtureDocuments().slice(0, 3)), { signal: timeout() });
    expect(await connector.health(timeout())).toEqual({ ok: true, documentCount: 3 });
    const later = double.requests.slice(1);
    for (const request of later) expect(request.headers.accept).toContain('compatible-with=9');
    await connector.close();
  });
});

describe('unsupported servers', () => {
  it('refuses Elasticsearch 7.x at start with a message naming the version, and keeps refusing without re-probing', async () => {
    double = await startElasticsearchDouble({ flavor: '7' });
    const connector = makeConnector(double.url);
    const failure = await connector.start(timeout()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KnowledgeError);
    expect((failure as KnowledgeError).code).toBe('CONFIG_INVALID');
    expect((failure as KnowledgeError).expose).toBe(true);
    expect((failure as Error).message).toBe('Elasticsearch 7.17.24 is not supported; this connector needs Elasticsearch 8.x or 9.x');
    const probes = double.requests.length;
    await expect(connector.search({ query: 'x', limit: 1, updatedAfter: null, signal: timeout() })).rejects.toThrow(/7\.17\.24/);
    expect(double.requests.length).toBe(probes);
    expect(await connector.health(timeout())).toMatchObject({ ok: false, detail: expect.stringContaining('7.17.24') });
    await connector.close();
  });

  it('refuses OpenSearch (no x-elastic-product header) by name', async () => {
    double = await startElasticsearchDouble({ flavor: 'opensearch' });
    const connector = makeConnector(double.url);
    await expect(connector.start(timeout())).rejects.toThrow('OpenSearch 2.17.1 is not supported; this connector needs Elasticsearch 8.x or 9.x');
    await connector.close();
  });

  it('reports an unreachable node as unavailable, and connects once it is up', async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    const url = double.url;
    await double.close();
    const connector = makeConnector(url);
    await expect(connector.start(timeout())).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    await connector.close();
  });
});
