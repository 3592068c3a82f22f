// Issue 17 on real Postgres: two sources holding halves of a corpus, each scoring with the
// federation's statistics, give every document the score one source holding it all gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { createFederation } from '../../../src/federation/federation.js';
import { createPostgresConnector, dropSchema, fromArray, postgresSkipReason, signal, uniqueSchema } from '../../integration/postgres/helpers.js';
import { caller, never, recordingLogger } from './helpers.js';

const skipReason = await postgresSkipReason();

const corpus: IngestDocument[] = [
  { id: 'p1', title: 'Parental leave', text: 'Parental leave is sixteen weeks, paid in full, for every parent.' },
  { id: 'p2', title: 'Leave requests', text: 'How leave is requested and approved; leave balances and carry-over of leave.' },
  { id: 'p3', title: 'Sick leave', text: 'Report sick leave on the first day; a note is needed after three days.' },
  { id: 'e1', title: 'Vacation and leave policy', text: 'Vacation, leave and the approval of leave for engineers.' },
  { id: 'e2', title: 'Deploy runbook', text: 'Deploy with the pipeline, watch the dashboards and roll back on errors.' },
  { id: 'e3', title: 'On-call handover', text: 'The handover note lists open incidents, the pager rota and the runbooks.' },
  { id: 'e4', title: 'Database failover', text: 'Promote the replica, repoint the services and check replication lag.' },
];

describe.skipIf(skipReason !== null)(`postgres with global statistics${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('ranking_stats');
  const connectors: PostgresConnector[] = [];
  const start = async (name: string, docs: IngestDocument[]) => {
    const connector = createPostgresConnector({ name, url: 'postgres://postgres@127.0.0.1:5432/test', schema }) as PostgresConnector;
    connectors.push(connector);
    await connector.start(signal());
    await connector.ingest(fromArray(docs), { signal: signal() });
    return connector;
  };
  let whole: PostgresConnector;
  let hr: PostgresConnector;
  let eng: PostgresConnector;

  beforeAll(async () => {
    whole = await start('whole', corpus);
    hr = await start('hr', corpus.slice(0, 3));
    eng = await start('eng', corpus.slice(3));
  });
  afterAll(async () => {
    await Promise.all(connectors.map((connector) => connector.close()));
    await dropSchema(schema);
  });

  const federation = (sources: PostgresConnector[]) =>
    createFederation({
      sources: sources.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 10_000, max_concurrency: 4 } })),
      settings: { cursorSecret: 'test-secret', fusion: { mode: 'global' } },
      logger: recordingLogger(),
    });

  it('reports its own counts per word, stemmed by its text search config; stop words are left out', async () => {
    const stats = await hr.collectionStatistics({ words: ['leaves', 'parental', 'the'], signal: signal() });
    expect(stats.documentCount).toBe(3);
    expect(stats.documentFrequencies).toEqual({ leaves: 3, parental: 1 });
    expect(stats.lengthUnit).toBe('postgres:english');
  });

  it('scores every document of a split corpus as the whole corpus in one source does', async () => {
    const query = 'parental leave approval';
    const one = await federation([whole]).search({ query, limit: 10 }, caller(), never());
    const split = await federation([hr, eng]).search({ query, limit: 10 }, caller(), never());
    const scores = (output: typeof one) => output.results.map((result) => [result.id.split(':')[1], result.score]);
    expect(scores(split)).toEqual(scores(one));
    // With their own statistics the halves disagree with the whole.
    const own = await eng.search({ query, limit: 1, updatedAfter: null, signal: signal() });
    expect(own[0]!.score).not.toBeCloseTo(one.results.find((result) => result.id === `whole:${own[0]!.nativeId}`)!.score, 3);
  });
});
