// Ingest through the client's bulk helper against the double: index creation with an English
// mapping, batches, per-document failures with reasons, 429 retries, refresh at the end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fixtureDocuments, fromArray, makeConnector, timeout } from './harness.js';

let double: ElasticsearchDouble;
beforeEach(async () => {
  double = await startElasticsearchDouble({ flavor: '9' });
});
afterEach(async () => {
  await double.close();
});

const bulkRequests = () => double.requests.filter((r) => r.path.endsWith('/_bulk'));

describe('ingest into Elasticsearch', () => {
  it('creates the index with English-analysed title and body, indexes in batches and is searchable at once', async () => {
    const connector = makeConnector(double.url);
    const progress: number[] = [];
    const summary = await connector.ingest(fromArray(fixtureDocuments()), {
      signal: timeout(),
      batchSize: 5,
      onProgress: (done) => progress.push(done),
    });
    expect(summary).toEqual({ written: 12, failed: [] });
    expect(progress).toEqual([5, 10, 12]);
    expect(bulkRequests()).toHaveLength(3);

    const create = double.requests.find((r) => r.method === 'PUT' && r.path === '/docs');
    const mappings = JSON.parse(create?.body ?? '{}').mappings.properties;
    expect(mappings.title).toEqual({ type: 'text', analyzer: 'english' });
    expect(mappings.body).toEqual({ type: 'text', analyzer: 'english' });
    expect(mappings.updated_at).toEqual({ type: 'date' });
    expect(double.requests.at(-1)?.path).toBe('/docs/_refresh');

    // The double, like a cluster, only shows refreshed documents to search.
    const hits = await connector.search({ query: 'laptop encryption', limit: 1, updatedAfter: null, signal: timeout() });
    expect(hits[0]?.nativeId).toBe('kb-011');
    await connector.close();
  });

  it('is an idempotent upsert by id and leaves an existing index as it is', async () => {
    const connector = makeConnector(double.url);
    await connector.ingest(fromArray(fixtureDocuments()), { signal: timeout() });
    const edited = fixtureDocuments().map((doc) => (doc.id === 'kb-005' ? { ...doc, title: 'Expense policy (2026)' } : doc));
    expect(await connector.ingest(fromArray(edited), { signal: timeout() })).toEqual({ written: 12, failed: [] });
    expect(double.requests.filter((r) => r.method === 'PUT' && r.path === '/docs')).toHaveLength(1);
    expect(await connector.health(timeout())).toEqual({ ok: true, documentCount: 12 });
    expect((await connector.get('kb-005', timeout()))?.title).toBe('Expense policy (2026)');
    await connector.close();
  });

  it('reports each rejected document with the reason, and writes the rest', async () => {
    const connector = makeConnector(double.url);
    const docs = fixtureDocuments().slice(0, 4);
    docs[1] = { ...docs[1]!, updatedAt: 'yesterday' };
    docs.push({ id: 'x'.repeat(600), title: 'Long id', text: 'too long' });
    const summary = await connector.ingest(fromArray(docs), { signal: timeout() });
    expect(summary.written).toBe(3);
    expect(summary.failed).toHaveLength(2);
    expect(summary.failed[0]).toEqual({ id: 'x'.repeat(600), reason: 'id must be 1..512 bytes for Elasticsearch' });
    expect(summary.failed[1]?.id).toBe('kb-002');
    expect(summary.failed[1]?.reason).toMatch(/^document_parsing_exception: .*failed to parse field \[updated_at\] of type \[date\]/);
    await connector.close();
  });

  it('retries documents the cluster rejected with 429 and reports those still rejected after the retries', async () => {
    const connector = makeConnector(double.url, { bulk_retries: 2, bulk_retry_wait_ms: 5 });
    double.rejectBulkItems(['kb-002'], 1);
    double.rejectBulkItems(['kb-003']);
    const summary = await connector.ingest(fromArray(fixtureDocuments().slice(0, 4)), { signal: timeout() });
    expect(summary.written).toBe(3);
    expect(summary.failed).toEqual([{ id: 'kb-003', reason: 'the cluster kept rejecting it as overloaded (429) after retries' }]);
    expect(bulkRequests()).toHaveLength(3);
    await connector.close();
  });

  it('fails the whole ingest when the cluster refuses the bulk request', async () => {
    const connector = makeConnector(double.url);
    await connector.start(timeout());
    double.failNext(503, 1, (r) => r.path.endsWith('/_bulk'));
    await expect(connector.ingest(fromArray(fixtureDocuments()), { signal: timeout() })).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      message: 'the cluster failed the request (search_phase_execution_exception)',
    });
    await connector.close();
  });

  it('refuses to ingest into a pattern', async () => {
    const connector = makeConnector(double.url, { index: 'docs-*' });
    const failure = await connector.ingest(fromArray(fixtureDocuments()), { signal: timeout() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KnowledgeError);
    expect((failure as KnowledgeError).code).toBe('INGEST_FAILED');
    expect(bulkRequests()).toHaveLength(0);
    await connector.close();
  });

  it('stops between batches when aborted', async () => {
    const connector = makeConnector(double.url);
    const controller = new AbortController();
    const run = connector.ingest(fromArray(fixtureDocuments()), {
      signal: controller.signal,
      batchSize: 4,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(bulkRequests()).toHaveLength(1);
    await connector.close();
  });
});
