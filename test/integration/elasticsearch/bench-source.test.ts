// The benchmark's Elasticsearch share: measured only with a cluster, and cleaned up after.
// (The double stands in for a cluster here only to test the mechanics, never for figures.)
import { describe, expect, it } from 'vitest';
import { NOT_MEASURED_NOTE, openElasticsearchBenchSource } from '../../../connectors/elasticsearch/bench-source.js';
import { startElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fixtureDocuments, timeout } from './harness.js';

describe('the Elasticsearch benchmark share', () => {
  it('is not measured without a cluster URL', async () => {
    expect(await openElasticsearchBenchSource({ url: undefined, documents: fixtureDocuments(), signal: timeout() })).toEqual({
      measured: false,
      note: 'not measured (no Elasticsearch cluster)',
    });
  });

  it('is not measured, with the reason, when the cluster cannot be reached', async () => {
    const gone = await startElasticsearchDouble();
    const url = gone.url;
    await gone.close();
    const source = await openElasticsearchBenchSource({ url, documents: fixtureDocuments(), signal: timeout() });
    expect(source.measured).toBe(false);
    expect(source.measured ? '' : source.note).toMatch(/^not measured \(no Elasticsearch cluster: cannot connect to the cluster\)$/);
    expect(NOT_MEASURED_NOTE).toBe('not measured (no Elasticsearch cluster)');
  });

  it('holds the share in a throwaway index, searchable at once, and deletes it on cleanup', async () => {
    const double = await startElasticsearchDouble({ flavor: '8' });
    const source = await openElasticsearchBenchSource({ url: double.url, documents: fixtureDocuments(), signal: timeout() });
    if (!source.measured) throw new Error(source.note);
    expect(source.index).toMatch(/^knowledge-mcp-bench-/);
    const hits = await source.connector.search({ query: 'vacuum bloat', limit: 3, updatedAfter: null, signal: timeout() });
    expect(hits[0]?.nativeId).toBe('kb-012');
    await source.cleanup();
    expect(double.store.indices.has(source.index)).toBe(false);
    await double.close();
  });
});
