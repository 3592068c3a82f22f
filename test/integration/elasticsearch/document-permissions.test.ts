// Document permissions in Elasticsearch (`acl_field`): ingest stores the ACL, the bool query's
// filter trims hits before the cluster ranks and cuts the page, and get() answers a forbidden
// document exactly like a missing one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { SERVICE_ONLY_PRINCIPAL } from '../../../connectors/elasticsearch/acl.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fromArray, makeConnector, timeout } from './harness.js';

const docs: IngestDocument[] = [
  { id: 'open', title: 'Expense policy for travel', text: 'Travel expense policy for everyone.' },
  { id: 'hr', title: 'Expense policy for HR salaries', text: 'Salary expense policy, HR only.', acl: ['group:hr'] },
  { id: 'alice', title: 'Expense policy notes of Alice', text: 'Private expense policy notes.', acl: ['user:alice@example.com'] },
  { id: 'svc', title: 'Expense policy service ledger', text: 'Expense policy ledger for machines.', acl: [] },
  { id: 'open2', title: 'Expense policy FAQ', text: 'Questions about the expense policy.', acl: null },
];

describe('an Elasticsearch source with acl_field', () => {
  let double: ElasticsearchDouble;
  let connector: ReturnType<typeof makeConnector>;
  const ids = async (principals: readonly string[] | null, limit = 10): Promise<string[]> =>
    (await connector.search({ query: 'expense policy', limit, updatedAfter: null, signal: timeout(), principals })).map((h) => h.nativeId).sort();

  beforeAll(async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    connector = makeConnector(double.url, { acl_field: 'acl' });
    const summary = await connector.ingest(fromArray(docs), { signal: timeout() });
    expect(summary.failed).toEqual([]);
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });

  it('stores the ACL as a keyword field, [] as the service-only sentinel and no field for "everyone"', async () => {
    const mapping = await fetch(`${double.url}/docs/_mapping`).then((r) => r.json() as Promise<Record<string, any>>);
    expect(mapping.docs.mappings.properties.acl).toEqual({ type: 'keyword' });
    const source = async (id: string) => ((await fetch(`${double.url}/docs/_doc/${id}`).then((r) => r.json())) as Record<string, any>)._source;
    expect((await source('hr')).acl).toEqual(['group:hr']);
    expect((await source('svc')).acl).toEqual([SERVICE_ONLY_PRINCIPAL]);
    expect('acl' in (await source('open'))).toBe(false);
  });

  it('gives each caller exactly the documents its principals may read', async () => {
    expect(await ids(null)).toEqual(['alice', 'hr', 'open', 'open2', 'svc']);
    expect(await ids([])).toEqual(['open', 'open2']);
    expect(await ids(['user:bob', 'group:hr'])).toEqual(['hr', 'open', 'open2']);
    expect(await ids(['user:alice@example.com', 'group:eng'])).toEqual(['alice', 'open', 'open2']);
    // A caller cannot claim the sentinel to read service-only documents.
    expect(await ids([SERVICE_ONLY_PRINCIPAL])).toEqual(['open', 'open2']);
  });

  it('fills the page from readable documents (filtered before the cut, not after)', async () => {
    expect(await ids(['group:hr'], 3)).toEqual(['hr', 'open', 'open2']);
  });

  it('sends the filter inside bool.filter, in the wire format Elasticsearch documents', async () => {
    await ids(['group:hr']);
    const request = double.requests.filter((r) => r.path.endsWith('/_search')).at(-1);
    const body = JSON.parse(request?.body ?? '{}') as Record<string, any>;
    expect(body.query.bool.filter).toContainEqual({
      bool: { should: [{ terms: { acl: ['group:hr'] } }, { bool: { must_not: [{ exists: { field: 'acl' } }] } }], minimum_should_match: 1 },
    });
  });

  it('answers get() for a forbidden document exactly like a missing one, and keeps the ACL out of metadata', async () => {
    expect(await connector.get('hr', timeout(), ['group:eng'])).toBeNull();
    expect(await connector.get('svc', timeout(), ['group:hr'])).toBeNull();
    expect(await connector.get('nope', timeout(), ['group:eng'])).toBeNull();
    const allowed = await connector.get('hr', timeout(), ['group:hr']);
    expect(allowed).toMatchObject({ nativeId: 'hr', title: 'Expense policy for HR salaries' });
    expect(allowed?.metadata).not.toHaveProperty('acl');
    expect((await connector.get('svc', timeout(), null))?.nativeId).toBe('svc');
    expect((await connector.get('open', timeout(), ['user:nobody']))?.nativeId).toBe('open');
  });
});

describe('the double treats an empty array as no value, as Elasticsearch does', () => {
  let double: ElasticsearchDouble;
  beforeAll(async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    const put = (id: string, body: object) =>
      fetch(`${double.url}/raw/_doc/${id}?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await fetch(`${double.url}/raw`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mappings: { properties: { acl: { type: 'keyword' } } } }),
    });
    await put('empty', { acl: [] });
    await put('nulls', { acl: [null] });
    await put('two', { acl: ['group:a', 'group:b'] });
    await put('none', {});
  });
  afterAll(async () => double.close());

  const matching = async (query: object): Promise<string[]> => {
    const response = await fetch(`${double.url}/raw/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { hits: { hits: Array<{ _id: string }> } };
    return body.hits.hits.map((h) => h._id).sort();
  };

  it('exists matches only a field with a value; terms matches any element of a keyword array', async () => {
    expect(await matching({ exists: { field: 'acl' } })).toEqual(['two']);
    expect(await matching({ bool: { must_not: [{ exists: { field: 'acl' } }] } })).toEqual(['empty', 'none', 'nulls']);
    expect(await matching({ terms: { acl: ['group:b'] } })).toEqual(['two']);
    expect(await matching({ terms: { acl: ['group:a group:b'] } })).toEqual([]);
  });
});
