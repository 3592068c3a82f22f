// Issue 17: an Elasticsearch source reports its document counts for the federation's global
// statistics through `_count`, counted by the index's own analysis of each word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { fixtureDocuments, fromArray, makeConnector, timeout } from './harness.js';

describe('collection statistics', () => {
  let double: ElasticsearchDouble;
  let connector: ReturnType<typeof makeConnector>;
  const docs = fixtureDocuments();

  beforeAll(async () => {
    double = await startElasticsearchDouble({ flavor: '9' });
    connector = makeConnector(double.url);
    await connector.ingest(fromArray(docs), { signal: timeout() });
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });

  it('counts every document and, per word, the documents holding it in title or body', async () => {
    const holding = (word: string) => docs.filter((doc) => new RegExp(`\\b${word}\\b`, 'i').test(`${doc.title} ${doc.text}`)).length;
    const stats = await connector.collectionStatistics!({ words: ['database', 'credentials', 'zyzzyva'], signal: timeout() });
    expect(stats.documentCount).toBe(docs.length);
    expect(stats.documentFrequencies.database).toBe(holding('database'));
    expect(stats.documentFrequencies.database).toBeGreaterThan(0);
    expect(stats.documentFrequencies.zyzzyva).toBe(0);
    const counts = double.requests.filter((request) => request.path.endsWith('/_count'));
    expect(counts.length).toBe(4);
    for (const request of counts.slice(1)) expect(JSON.parse(request.body).query.multi_match.fields).toEqual(['title', 'body']);
  });
});
