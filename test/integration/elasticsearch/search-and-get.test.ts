// Search and get through the real client against the double: the request bodies the cluster sees,
// ranking and snippets, filters, aliases, patterns, routing, field detection and missing indices.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../connectors/contract/errors.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fixtureDocuments, fromArray, makeConnector, timeout } from './harness.js';

const search = (connector: ReturnType<typeof makeConnector>, query: string, limit = 10, updatedAfter: Date | null = null) =>
  connector.search({ query, limit, updatedAfter, signal: timeout() });

describe('searching an index filled by ingest', () => {
  let double: ElasticsearchDouble;
  let connector: ReturnType<typeof makeConnector>;

  beforeAll(async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    connector = makeConnector(double.url);
    await connector.ingest(fromArray(fixtureDocuments()), { signal: timeout() });
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });

  const lastSearchBody = (): Record<string, any> => {
    const request = double.requests.filter((r) => r.path.endsWith('/_search')).at(-1);
    return JSON.parse(request?.body ?? '{}') as Record<string, any>;
  };

  it('ranks the best match first and marks the matched terms in a body snippet', async () => {
    const hits = await search(connector, 'rotating database credentials', 3);
    expect(hits[0]).toMatchObject({
      nativeId: 'kb-001',
      title: 'Rotating database credentials',
      url: 'https://kb.example.com/kb-001',
      updatedAt: '2025-01-10T09:00:00.000Z',
    });
    expect(hits[0]?.snippet).toContain('**Database**');
    expect(hits[0]?.snippet.length).toBeLessThanOrEqual(220);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('asks for a bounded page: bool + multi_match, size = limit, no total count, ** highlight tags', async () => {
    await search(connector, 'on-call handover', 4);
    const body = lastSearchBody();
    expect(body.size).toBe(4);
    expect(body.track_total_hits).toBe(false);
    expect(body.query.bool.must[0].multi_match).toMatchObject({ query: 'on-call handover', fields: ['title^2', 'body^1'] });
    expect(body.highlight).toMatchObject({ pre_tags: ['**'], post_tags: ['**'] });
    expect(body.highlight.fields.body).toMatchObject({ fragment_size: 200, number_of_fragments: 1 });
    expect(body._source).toEqual({ includes: ['title', 'url', 'updated_at'] });
  });

  it.each(['title:(foo AND', '/.*/', '*', 'body:* OR _id:kb-005', '{"match_all":{}}'])(
    'sends %s only as the text of a multi_match, never as query syntax',
    async (text) => {
      await search(connector, text);
      const raw = double.requests.filter((r) => r.path.endsWith('/_search')).at(-1)?.body ?? '';
      expect(raw).not.toMatch(/query_string|simple_query_string|regexp|wildcard|"match_all"\s*:\s*\{\}\}/);
      expect(JSON.parse(raw).query.bool.must[0].multi_match.query).toBe(text);
    },
  );

  it('finds the words of a query-syntax-looking text as words', async () => {
    const hits = await search(connector, 'title:(foo AND');
    expect(hits[0]?.nativeId).toBe('kb-009');
    expect(await search(connector, '*')).toEqual([]);
  });

  it('filters by updated_after with a range on the date field', async () => {
    const after = new Date('2025-01-20T00:00:00Z');
    const hits = await search(connector, 'rotating certificates credentials', 10, after);
    expect(hits.map((h) => h.nativeId)).toEqual(['kb-010']);
    expect(lastSearchBody().query.bool.filter).toEqual([{ range: { updated_at: { gte: '2025-01-20T00:00:00.000Z' } } }]);
  });

  it('returns at most limit hits', async () => {
    expect((await search(connector, 'the engineer', 2)).length).toBe(2);
  });

  it('gets a document with its whole text, and null for an id it does not have', async () => {
    const document = await connector.get('kb-007', timeout());
    expect(document).toMatchObject({ nativeId: 'kb-007', title: 'Incident severity levels', metadata: { index: 'docs' } });
    expect(document?.content).toContain('Page the on-call engineer for severity one and two.');
    expect(await connector.get('kb-999', timeout())).toBeNull();
    expect(await connector.get('../../_search', timeout())).toBeNull();
  });
});

describe('indexes as operators have them', () => {
  let double: ElasticsearchDouble;
  afterEach(async () => {
    await double.close();
  });

  it('searches and gets through an alias over two indexes (where _doc cannot go)', async () => {
    double = await startElasticsearchDouble();
    double.seed('kb-2024', [{ id: 'a', title: 'Old handbook', body: 'vacation rules of 2024' }]);
    double.seed('kb-2025', [{ id: 'b', title: 'New handbook', body: 'vacation rules of 2025' }]);
    double.store.addAlias('kb', 'kb-2024');
    double.store.addAlias('kb', 'kb-2025');
    const connector = makeConnector(double.url, { index: 'kb' });
    expect((await search(connector, 'vacation')).map((h) => h.nativeId).sort()).toEqual(['a', 'b']);
    expect(await connector.get('b', timeout())).toMatchObject({ title: 'New handbook', metadata: { index: 'kb-2025' } });
    const idsQuery = double.requests.find((r) => r.path === '/kb/_search' && r.body.includes('"ids"'));
    expect(JSON.parse(idsQuery?.body ?? '{}').query).toEqual({ ids: { values: ['b'] } });
    await connector.close();
  });

  it('gets from a pattern with an ids query, without trying _doc', async () => {
    double = await startElasticsearchDouble();
    double.seed('logs-a', [{ id: 'x1', title: 'Alpha', body: 'first' }]);
    double.seed('logs-b', [{ id: 'x2', title: 'Beta', body: 'second' }]);
    const connector = makeConnector(double.url, { index: 'logs-*' });
    expect(await connector.get('x2', timeout())).toMatchObject({ title: 'Beta', content: 'second' });
    expect(double.requests.some((r) => r.path.includes('/_doc/'))).toBe(false);
    await connector.close();
  });

  it('finds a custom-routed document that a plain _doc lookup misses', async () => {
    double = await startElasticsearchDouble();
    double.seed('docs', [{ id: 'r1', routing: 'tenant-7', title: 'Routed', body: 'routed text' }], undefined, { number_of_shards: 3 });
    const connector = makeConnector(double.url);
    expect(await connector.get('r1', timeout())).toMatchObject({ nativeId: 'r1', content: 'routed text' });
    expect(double.requests.some((r) => r.path === '/docs/_doc/r1')).toBe(true);
    await connector.close();
  });

  it('detects title, body, url and date fields from the mapping of an existing index', async () => {
    double = await startElasticsearchDouble();
    double.seed(
      'cms',
      [{ id: 'p1', name: 'Parking rules', content: 'Park in bay four after six pm.', link: 'https://cms/p1', '@timestamp': '2025-02-01T00:00:00Z' }],
      { name: { type: 'text' }, content: { type: 'text' }, link: { type: 'keyword' }, '@timestamp': { type: 'date' } },
    );
    const connector = makeConnector(double.url, { index: 'cms' });
    const [hit] = await search(connector, 'parking bay');
    expect(hit).toMatchObject({ nativeId: 'p1', title: 'Parking rules', url: 'https://cms/p1', updatedAt: '2025-02-01T00:00:00.000Z' });
    expect(hit?.snippet).toContain('**bay**');
    await connector.close();
  });

  it('uses configured field names over detection, and a custom id field for ids', async () => {
    double = await startElasticsearchDouble();
    double.seed('wiki', [
      { id: 'internal-1', doc_id: 'WIKI-42', heading: 'Badge access', summary: 'Badges open doors.', text: 'Lost badges go to reception.' },
    ]);
    const connector = makeConnector(double.url, { index: 'wiki', fields: { id: 'doc_id', title: 'heading', body: 'text' } });
    const [hit] = await search(connector, 'reception');
    expect(hit).toMatchObject({ nativeId: 'WIKI-42', title: 'Badge access' });
    expect(await connector.get('WIKI-42', timeout())).toMatchObject({ content: 'Lost badges go to reception.' });
    await connector.close();
  });

  it('answers an updated_after search with nothing when the index has no date field', async () => {
    double = await startElasticsearchDouble();
    double.seed('plain', [{ id: '1', title: 'Undated', body: 'no date here' }]);
    const connector = makeConnector(double.url, { index: 'plain' });
    expect(await search(connector, 'undated', 10, new Date('2020-01-01'))).toEqual([]);
    expect(double.requests.some((r) => r.path.endsWith('/_search'))).toBe(false);
    await connector.close();
  });

  it('makes a missing index a clear source error for search and get, and unhealthy', async () => {
    double = await startElasticsearchDouble();
    const connector = makeConnector(double.url, { index: 'nope' });
    const failure = await search(connector, 'anything').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe('index "nope" does not exist on the cluster');
    expect((failure as SourceError).expose).toBe(true);
    await expect(connector.get('1', timeout())).rejects.toThrow('index "nope" does not exist on the cluster');
    expect(await connector.health(timeout())).toEqual({ ok: false, documentCount: null, detail: 'index "nope" does not exist on the cluster' });
    await connector.close();
  });
});
