// The Elasticsearch double against the documented shapes it claims to follow: its error bodies
// equal the real-cluster fixtures, its media-type rules are the server's, and its search behaves
// like one shard of an index (near-real-time visibility, BM25 order, totals, _source, highlights).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bulk } from '../../doubles/elasticsearch/bulk.js';
import { allShardsFailed, indexNotFound, mediaTypeHeader, rejectedExecution, securityException } from '../../doubles/elasticsearch/error-bodies.js';
import { checkMediaTypes, responseContentType } from '../../doubles/elasticsearch/media-type.js';
import { count, search } from '../../doubles/elasticsearch/search.js';
import type { RecordedRequest } from '../../doubles/elasticsearch/server.js';
import { DoubleStore } from '../../doubles/elasticsearch/store.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../fixtures/elasticsearch/${name}`, import.meta.url), 'utf8'));

describe('error bodies', () => {
  it('match the real-cluster fixtures', () => {
    expect(indexNotFound('missing').body).toEqual(fixture('error-index-not-found.json'));
    expect(rejectedExecution().body).toEqual(fixture('error-rejected-execution.json'));
    expect(allShardsFailed().body).toEqual(fixture('error-unavailable.json'));
    expect(securityException('/', false).body).toEqual(fixture('error-security.json'));
    const media = fixture('error-media-type-header.json');
    expect(mediaTypeHeader(media.error.caused_by.reason).body).toEqual(media);
  });
});

describe('media types', () => {
  const v9json = 'application/vnd.elasticsearch+json; compatible-with=9';
  const v8json = 'application/vnd.elasticsearch+json; compatible-with=8';

  it('refuses compatible-with=9 on an 8.x server exactly as the fixture shows', () => {
    expect(checkMediaTypes(8, v9json, v9json, true)?.body).toEqual(fixture('error-media-type-header.json'));
    expect(checkMediaTypes(8, `${v9json},text/plain`, undefined, false)?.status).toBe(400);
  });

  it('accepts the current and previous major, and plain JSON', () => {
    expect(checkMediaTypes(8, v8json, v8json, true)).toBeNull();
    expect(
      checkMediaTypes(8, 'application/vnd.elasticsearch+json; compatible-with=7', 'application/vnd.elasticsearch+x-ndjson; compatible-with=7', true),
    ).toBeNull();
    expect(checkMediaTypes(9, v9json, 'application/vnd.elasticsearch+x-ndjson; compatible-with=9', true)).toBeNull();
    expect(checkMediaTypes(9, v8json, v8json, true)).toBeNull();
    expect(checkMediaTypes(8, 'application/json', 'application/json', true)).toBeNull();
  });

  it('wants both headers versioned alike when there is a body', () => {
    const mixed = checkMediaTypes(8, v8json, 'application/json', true);
    expect(mixed?.body).toMatchObject({ error: { caused_by: { reason: expect.stringMatching(/^A compatible version is required on both/) } } });
    expect(checkMediaTypes(8, v8json, 'application/json', false)).toBeNull();
    expect(checkMediaTypes(9, 'application/json', 'text/plain', true)?.status).toBe(406);
  });

  it('answers in the media type asked for', () => {
    expect(responseContentType(v8json)).toBe('application/vnd.elasticsearch+json;compatible-with=8');
    expect(responseContentType('application/json')).toBe('application/json');
  });
});

function storeWith(docs: Array<Record<string, unknown> & { id: string }>, refresh = true): DoubleStore {
  const store = new DoubleStore();
  const index = store.createIndex('docs', {
    mappings: { properties: { title: { type: 'text', analyzer: 'english' }, body: { type: 'text', analyzer: 'english' } } },
  });
  for (const { id, ...source } of docs) store.put(index, id, source, null);
  if (refresh) index.refresh();
  return store;
}

const corpus = [
  { id: 'common', title: 'Cats and dogs', body: 'cats cats cats are common pets and dogs too' },
  { id: 'rare', title: 'Axolotl care', body: 'the axolotl is a rare amphibian; axolotl tanks need cool water' },
  { id: 'both', title: 'Pets', body: 'cats and an axolotl share a flat', updated_at: '2025-05-01T00:00:00Z' },
];

const run = (store: DoubleStore, body: Record<string, unknown>) => search(store, 'docs', body, new URLSearchParams()) as { status: number; body: any };

describe('search', () => {
  it('sees documents only after a refresh, as a near-real-time index does', () => {
    const store = storeWith(corpus, false);
    expect(run(store, { query: { match_all: {} } }).body.hits.hits).toEqual([]);
    store.indices.get('docs')!.refresh();
    expect(run(store, { query: { match_all: {} } }).body.hits.hits).toHaveLength(3);
  });

  it('ranks the rarer term higher (BM25 idf), and honours operator and', () => {
    const store = storeWith([
      { id: 'd1', body: 'apple banana' },
      { id: 'd2', body: 'apple cherry' },
      { id: 'd3', body: 'kiwi cherry' },
    ]);
    const or = run(store, { query: { multi_match: { query: 'banana cherry', fields: ['title', 'body'] } } }).body.hits.hits;
    expect(or.map((h: any) => h._id)).toEqual(['d1', 'd2', 'd3']);
    expect(or[0]._score).toBeGreaterThan(or[1]._score);
    const and = run(store, { query: { match: { body: { query: 'apple cherry', operator: 'and' } } } }).body.hits.hits;
    expect(and.map((h: any) => h._id)).toEqual(['d2']);
  });

  it('combines bool clauses, range filters and ids', () => {
    const store = storeWith(corpus);
    const hits = run(store, {
      query: {
        bool: {
          must: [{ multi_match: { query: 'axolotl', fields: ['body'] } }],
          filter: [{ range: { updated_at: { gte: '2025-01-01T00:00:00Z' } } }],
        },
      },
    }).body.hits.hits;
    expect(hits.map((h: any) => h._id)).toEqual(['both']);
    expect(run(store, { query: { bool: { must_not: [{ ids: { values: ['rare'] } }] } } }).body.hits.hits).toHaveLength(2);
    expect(count(store, 'docs', { query: { ids: { values: ['rare', 'nope'] } } }).body).toMatchObject({ count: 1 });
  });

  it('reports totals as asked: absent when off, bounded with gte, exact by default', () => {
    const store = storeWith(corpus);
    expect(run(store, { track_total_hits: false }).body.hits.total).toBeUndefined();
    expect(run(store, { track_total_hits: 2 }).body.hits.total).toEqual({ value: 2, relation: 'gte' });
    expect(run(store, {}).body.hits.total).toEqual({ value: 3, relation: 'eq' });
  });

  it('filters _source and highlights matched terms with the given tags', () => {
    const store = storeWith(corpus);
    const [hit] = run(store, {
      size: 1,
      _source: { includes: ['title'] },
      query: { multi_match: { query: 'axolotl tanks', fields: ['title', 'body'] } },
      highlight: { pre_tags: ['**'], post_tags: ['**'], fields: { body: { fragment_size: 200, number_of_fragments: 1 }, title: { number_of_fragments: 0 } } },
    }).body.hits.hits;
    expect(hit._source).toEqual({ title: 'Axolotl care' });
    expect(hit.highlight.body).toEqual(['the **axolotl** is a rare amphibian; **axolotl** **tanks** need cool water']);
    expect(hit.highlight.title).toEqual(['**Axolotl** care']);
  });

  it('gives no_match_size text for a field that did not match', () => {
    const store = storeWith(corpus);
    const [hit] = run(store, {
      query: { match: { title: 'pets' } },
      highlight: { fields: { body: { no_match_size: 10 } } },
    }).body.hits.hits;
    expect(hit.highlight.body).toEqual(['cats and']);
  });

  it('refuses queries it does not model instead of answering wrongly, and reports a missing index', () => {
    const store = storeWith(corpus);
    expect(run(store, { query: { query_string: { query: '*' } } }).body.error.type).toBe('double_unsupported_exception');
    expect(search(store, 'nope', {}, new URLSearchParams()).body).toEqual(indexNotFound('nope').body);
    expect(run(store, { size: 10_001 }).status).toBe(400);
  });
});

describe('bulk', () => {
  const request = (lines: unknown[], query = ''): RecordedRequest => ({
    method: 'POST',
    path: '/_bulk',
    query: new URLSearchParams(query),
    headers: {},
    body: `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`,
  });
  const host = (store: DoubleStore) => ({ store, takeBulkRejection: () => false });

  it('answers per item in the shape of the fixture, with a parsing error for a bad date', () => {
    const store = storeWith([]);
    store.indices.get('docs')!.properties.updated_at = { type: 'date' };
    const result = bulk(
      host(store),
      undefined,
      request([
        { index: { _index: 'docs', _id: '1' } },
        { title: 'ok', updated_at: '2025-01-01T00:00:00Z' },
        { index: { _index: 'docs', _id: '2' } },
        { title: 'bad', updated_at: 'yesterday' },
      ]),
    ).body as any;
    const expected = fixture('bulk-response-with-errors.json');
    expect(result.errors).toBe(true);
    expect(result.items[0]).toEqual(expected.items[0]);
    expect(Object.keys(result.items[1].index).sort()).toEqual(Object.keys(expected.items[1].index).sort());
    expect(result.items[1].index.error.type).toBe('document_parsing_exception');
  });

  it('creates a missing index, refreshes when asked, and refuses an over-long id for the whole request', () => {
    const store = new DoubleStore();
    const ok = bulk(host(store), 'fresh', request([{ index: { _id: 'a' } }, { title: 'x' }], 'refresh=true'));
    expect(ok.status).toBe(200);
    expect(store.indices.get('fresh')?.visible.size).toBe(1);
    const tooLong = bulk(host(store), 'fresh', request([{ index: { _id: 'x'.repeat(513) } }, { title: 'x' }]));
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as any).error.type).toBe('action_request_validation_exception');
  });
});
