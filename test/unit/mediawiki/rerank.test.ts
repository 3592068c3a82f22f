// Local BM25 over fetched candidates: the ranking core's database search does not give.
import { describe, expect, it } from 'vitest';
import { idf, rankByBm25 } from '../../../connectors/mediawiki/rerank.js';

const docs = [
  { key: 'a', title: 'Kafka consumer lag', text: 'When consumer lag grows, scale the consumer group. Lag alerts page on-call.' },
  { key: 'b', title: 'Office plants', text: 'Water the plants on Fridays. The kafka poster in the kitchen is not a plant.' },
  { key: 'c', title: 'Unrelated', text: 'Nothing to see here.' },
];

describe('rankByBm25', () => {
  it('ranks the page about the query first and leaves pages without any term at zero', () => {
    const ranked = rankByBm25(docs, ['kafka', 'consum', 'lag'], { totalDocuments: 100, knownDf: new Map() });
    expect(ranked.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(ranked[2]?.score).toBe(0);
  });

  it('weights a term by the document frequency the wiki reported', () => {
    const rareConsumer = rankByBm25(docs, ['consum', 'plant'], {
      totalDocuments: 1000,
      knownDf: new Map([
        ['consum', 2],
        ['plant', 900],
      ]),
    });
    const rarePlant = rankByBm25(docs, ['consum', 'plant'], {
      totalDocuments: 1000,
      knownDf: new Map([
        ['consum', 900],
        ['plant', 2],
      ]),
    });
    expect(rareConsumer[0]?.key).toBe('a');
    expect(rarePlant[0]?.key).toBe('b');
  });

  it('has an IDF that falls as the term gets commoner and stays positive', () => {
    expect(idf(1000, 1)).toBeGreaterThan(idf(1000, 100));
    expect(idf(1000, 1000)).toBeGreaterThan(0);
    expect(idf(10, 50)).toBeGreaterThan(0);
  });
});
