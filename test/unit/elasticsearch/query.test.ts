// Query translation: the user's text only ever becomes a multi_match value, and hits become
// contract hits with snippets, URLs and dates as the mapping says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { estypes } from '@elastic/elasticsearch';
import { DEFAULT_FIELDS, type FieldMap } from '../../../connectors/elasticsearch/fields.js';
import { buildIdQuery, buildSearchBody, parseDocument, parseSearchHits } from '../../../connectors/elasticsearch/query.js';

const boosts = { title: 3, body: 1 };
const plan = (query: string, updatedAfter: Date | null = null) => ({ query, limit: 7, updatedAfter });

/** Every object key anywhere in a request body: query types must come only from the code. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      out.add(key);
      keysOf(inner, out);
    }
  }
  return out;
}

describe('search body', () => {
  it('is a bool/multi_match over boosted title and body with a bounded, highlighted page', () => {
    expect(buildSearchBody(plan('vacation policy'), DEFAULT_FIELDS, boosts)).toEqual({
      size: 7,
      track_total_hits: false,
      _source: { includes: ['title', 'url', 'updated_at'] },
      query: {
        bool: {
          must: [{ multi_match: { query: 'vacation policy', fields: ['title^3', 'body^1'], type: 'best_fields', tie_breaker: 0.3, lenient: true } }],
          filter: [],
        },
      },
      highlight: {
        pre_tags: ['**'],
        post_tags: ['**'],
        encoder: 'default',
        fields: { body: { fragment_size: 200, number_of_fragments: 1, no_match_size: 200 }, title: { number_of_fragments: 0 } },
      },
    });
  });

  it('puts any text, however syntax-like, only into multi_match.query', () => {
    const expectedKeys = keysOf(buildSearchBody(plan('x'), DEFAULT_FIELDS, boosts));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('title:(foo AND', '/.*/', '*', '{"query_string":{"query":"*"}}', 'a OR b^9~2')), (text) => {
        const body = buildSearchBody(plan(text), DEFAULT_FIELDS, boosts) as { query: any };
        expect(body.query.bool.must[0].multi_match.query).toBe(text);
        expect(keysOf(body)).toEqual(expectedKeys);
      }),
    );
  });

  it('filters updated_after with a range on the date field', () => {
    const body = buildSearchBody(plan('x', new Date('2025-01-02T03:04:05Z')), { ...DEFAULT_FIELDS, updatedAt: '@timestamp' }, boosts);
    expect((body as { query: { bool: { filter: unknown } } }).query.bool.filter).toEqual([{ range: { '@timestamp': { gte: '2025-01-02T03:04:05.000Z' } } }]);
  });

  it('searches the one text field there is, and nothing when a date filter has no date field', () => {
    const titleOnly: FieldMap = { ...DEFAULT_FIELDS, body: null };
    const body = buildSearchBody(plan('x'), titleOnly, boosts) as { query: any; highlight: any };
    expect(body.query.bool.must[0].multi_match.fields).toEqual(['title^3']);
    expect(Object.keys(body.highlight.fields)).toEqual(['title']);
    expect(buildSearchBody(plan('x', new Date()), { ...DEFAULT_FIELDS, updatedAt: null }, boosts)).toBeNull();
    expect(buildSearchBody(plan('x'), { ...DEFAULT_FIELDS, title: null, body: null }, boosts)).toBeNull();
  });

  it('looks ids up with an ids query, or a term query on the lookup field of a custom id', () => {
    expect(buildIdQuery('a/b', DEFAULT_FIELDS)).toEqual({ ids: { values: ['a/b'] } });
    expect(buildIdQuery('K-1', { ...DEFAULT_FIELDS, id: 'key', idLookup: 'key.keyword' })).toEqual({ term: { 'key.keyword': { value: 'K-1' } } });
  });
});

function response(hits: Array<Partial<estypes.SearchHit<Record<string, unknown>>>>): estypes.SearchResponse<Record<string, unknown>> {
  return {
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, failed: 0 },
    hits: { hits: hits.map((hit) => ({ _index: 'docs', ...hit })) },
  } as estypes.SearchResponse<Record<string, unknown>>;
}

describe('hits', () => {
  it('maps source fields and prefers the body fragment for the snippet', () => {
    const [hit] = parseSearchHits(
      response([
        {
          _id: 'a',
          _score: 2.5,
          _source: { title: ['Main title', 'alt'], url: 'https://x/a', updated_at: 1735689600000 },
          highlight: { body: ['the **vacation**\n  rules'], title: ['Main **title**'] },
        },
      ]),
      DEFAULT_FIELDS,
    );
    expect(hit).toEqual({
      nativeId: 'a',
      title: 'Main title alt',
      snippet: 'the **vacation** rules',
      url: 'https://x/a',
      score: 2.5,
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('falls back to the title highlight, the id as title, and null url/date', () => {
    const [hit] = parseSearchHits(response([{ _id: 'b', _score: null, _source: {}, highlight: { title: ['**b**'] } }]), DEFAULT_FIELDS);
    expect(hit).toEqual({ nativeId: 'b', title: 'b', snippet: '**b**', url: null, score: 0, updatedAt: null });
  });

  it('takes the native id from a custom id field and skips hits without one', () => {
    const fields = { ...DEFAULT_FIELDS, id: 'key', idLookup: 'key' };
    const hits = parseSearchHits(
      response([
        { _id: 'x', _source: { key: 'K-1' } },
        { _id: 'y', _source: {} },
      ]),
      fields,
    );
    expect(hits.map((h) => h.nativeId)).toEqual(['K-1']);
  });

  it('builds a document with the whole body and the unmapped fields as metadata', () => {
    const document = parseDocument('a', 'docs-2025', { title: 'T', body: ['p1', 'p2'], url: 'u', tags: ['x'], metadata: { team: 'ops' } }, DEFAULT_FIELDS);
    expect(document).toEqual({
      nativeId: 'a',
      title: 'T',
      url: 'u',
      updatedAt: null,
      content: 'p1\n\np2',
      metadata: { index: 'docs-2025', tags: ['x'], metadata: { team: 'ops' } },
    });
  });
});
