// The managed postgres connector against the local server: ingest keeps BM25 statistics exact
// through updates, batches are atomic, search ranks, filters and highlights. Own schema.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, IngestDocument } from '../../../connectors/contract/types.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { readBeirJsonl } from '../../../src/ingest/beir-jsonl.js';
import { createReadStream } from 'node:fs';
import { createPostgresConnector, dropSchema, fromArray, postgresSkipReason, signal, sql, TEST_DATABASE_URL, uniqueSchema } from './helpers.js';

const skipReason = await postgresSkipReason();
const HANDBOOK = path.resolve(import.meta.dirname, '../../../demo/handbook/handbook.jsonl');

async function handbook(): Promise<IngestDocument[]> {
  const docs: IngestDocument[] = [];
  for await (const doc of readBeirJsonl(createReadStream(HANDBOOK), HANDBOOK, { signal: signal() })) docs.push(doc);
  return docs;
}

/** Recomputes every statistic from the stored rows; ingest must have kept them identical. */
async function expectStatsConsistent(schema: string, source: string): Promise<void> {
  const s = `"${schema}"`;
  const {
    rows: [totals],
  } = await sql(
    `SELECT (SELECT count(*)::int FROM ${s}.documents WHERE source = $1) AS docs,
            (SELECT coalesce(sum(length), 0)::int FROM ${s}.documents WHERE source = $1) AS length,
            (SELECT doc_count::int FROM ${s}.source_stats WHERE source = $1) AS stat_docs,
            (SELECT total_length::int FROM ${s}.source_stats WHERE source = $1) AS stat_length`,
    [source],
  );
  expect(totals.stat_docs).toBe(totals.docs);
  expect(totals.stat_length).toBe(totals.length);
  const { rows: wrongDf } = await sql(
    `SELECT t.term, t.df, count(p.doc_key)::int AS actual FROM ${s}.terms t LEFT JOIN ${s}.postings p ON p.term_id = t.term_id
     WHERE t.source = $1 GROUP BY t.term_id, t.term, t.df HAVING t.df <> count(p.doc_key)`,
    [source],
  );
  expect(wrongDf).toEqual([]);
  const {
    rows: [orphans],
  } = await sql(`SELECT count(*)::int AS n FROM ${s}.postings p LEFT JOIN ${s}.documents d ON d.doc_key = p.doc_key WHERE d.doc_key IS NULL`);
  expect(orphans.n).toBe(0);
}

describe.skipIf(skipReason !== null)(`postgres connector on the server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('pgconn');
  let connector: PostgresConnector;

  beforeAll(async () => {
    connector = createPostgresConnector({ name: 'handbook', url: TEST_DATABASE_URL, schema, ingest_batch_size: 8 }) as PostgresConnector;
    await connector.start(signal());
  });

  afterAll(async () => {
    await connector?.close();
    await dropSchema(schema);
  });

  it('ingests in batches, counts documents and bumps the generation per committed batch', async () => {
    const docs = await handbook();
    const progress: number[] = [];
    const summary = await connector.ingest(fromArray(docs), { signal: signal(), onProgress: (done) => progress.push(done) });
    expect(summary).toMatchObject({ written: docs.length, inserted: docs.length, updated: 0, unchanged: 0, failed: [] });
    expect(progress).toEqual([8, 16, docs.length]);
    expect(await connector.health(signal())).toEqual({ ok: true, documentCount: docs.length });
    expect(await connector.generation(signal())).toBe(3);
    await expectStatsConsistent(schema, 'handbook');
  });

  it('writes nothing and keeps the generation when the same documents come again', async () => {
    const before = await connector.generation(signal());
    const summary = await connector.ingest(fromArray(await handbook()), { signal: signal() });
    expect(summary.written).toBe(0);
    expect(summary.unchanged).toBe(21);
    expect(await connector.generation(signal())).toBe(before);
  });

  it('ranks the document that is about the query first, with marked terms in the snippet', async () => {
    const hits = await connector.search({ query: 'How many weeks of parental leave do parents get?', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits[0]?.nativeId).toBe('parental-leave');
    expect(hits[0]?.snippet).toMatch(/\*\*(parental|leave|weeks|parents)\*\*/i);
    expect(hits[0]?.url).toBe('https://handbook.example.com/people/parental-leave');
    expect(hits[0]?.updatedAt).toBe('2025-02-10T09:00:00.000Z');
    expect(hits[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const review = await connector.search({ query: 'code review nit comments', limit: 3, updatedAfter: null, signal: signal() });
    expect(review[0]?.nativeId).toBe('code-review-guidelines');
  });

  it('stems: a query word finds other forms of it', async () => {
    const hits = await connector.search({ query: 'reimbursing receipts', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.nativeId)).toContain('expense-policy');
    const expense = hits.find((hit) => hit.nativeId === 'expense-policy');
    expect(expense?.snippet).toMatch(/\*\*(reimbursed|reimbursements|receipts?)\*\*/i);
  });

  it('filters by updated_after before taking the top hits', async () => {
    const since = new Date('2025-01-01T00:00:00Z');
    const hits = await connector.search({ query: 'policy expense card security leave', limit: 50, updatedAfter: since, signal: signal() });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(Date.parse(hit.updatedAt!)).toBeGreaterThanOrEqual(since.getTime());
    expect(hits.map((hit) => hit.nativeId)).not.toContain('corporate-card'); // 2024-06-18
  });

  it('updates a changed document and retracts the terms it no longer has', async () => {
    const [doc] = (await handbook()).filter((d) => d.id === 'corporate-card');
    const changed = { ...doc!, text: 'Corporate cards are replaced by virtual cards issued per purchase in the zeppelin app.' };
    const summary = await connector.ingest(fromArray([changed]), { signal: signal() });
    expect(summary).toMatchObject({ written: 1, updated: 1, inserted: 0 });
    await expectStatsConsistent(schema, 'handbook');
    const hits = await connector.search({ query: 'zeppelin', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.nativeId)).toEqual(['corporate-card']);
    const old = await connector.search({ query: 'reconciliation unreconciled frozen', limit: 5, updatedAfter: null, signal: signal() });
    expect(old.map((hit) => hit.nativeId)).not.toContain('corporate-card');
    expect((await connector.get('corporate-card', signal()))?.content).toContain('zeppelin');
    expect(await connector.health(signal())).toEqual({ ok: true, documentCount: 21 });
  });

  it('refuses bad documents one by one and stores clean text', async () => {
    const summary = await connector.ingest(
      fromArray([
        { id: '', title: 'no id', text: 'x' },
        { id: 'bad-date', title: 'Bad date', text: 'x', updatedAt: 'yesterday-ish' },
        { id: 'nul\u0000id', title: 'Nul \u0000 title', text: 'body with a \u0000 nul byte', metadata: { 'k\u0000': 'v\u0000' } },
      ]),
      { signal: signal() },
    );
    expect(summary.failed.map((f) => f.reason)).toEqual(['empty id', expect.stringContaining('updated_at')]);
    const stored = await connector.get('nulid', signal());
    expect(stored).toMatchObject({ title: 'Nul  title', content: 'body with a  nul byte', metadata: { k: 'v' } });
  });

  it('rolls back a failing batch whole and keeps the batches before it', async () => {
    await sql(`CREATE FUNCTION "${schema}".boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`);
    await sql(`CREATE TRIGGER boom BEFORE INSERT ON "${schema}".documents FOR EACH ROW EXECUTE FUNCTION "${schema}".boom()`);
    const docs = Array.from({ length: 12 }, (_, i) => ({ id: i === 10 ? 'boom' : `atomic-${i}`, title: `Atomic ${i}`, text: 'quasar pulsar nebula' }));
    await expect(connector.ingest(fromArray(docs), { signal: signal() })).rejects.toMatchObject({ code: 'INGEST_FAILED' });
    const { rows } = await sql(`SELECT id FROM "${schema}".documents WHERE id LIKE 'atomic-%' ORDER BY id`);
    expect(rows.map((row) => row.id)).toEqual(['atomic-0', 'atomic-1', 'atomic-2', 'atomic-3', 'atomic-4', 'atomic-5', 'atomic-6', 'atomic-7']);
    await sql(`DROP TRIGGER boom ON "${schema}".documents`);
    await expectStatsConsistent(schema, 'handbook');
  });

  it('keeps two sources in one schema apart', async () => {
    const other = createPostgresConnector({ name: 'other', url: TEST_DATABASE_URL, schema }) as Connector;
    await other.start!(signal());
    try {
      await other.ingest!(fromArray([{ id: 'parental-leave', title: 'Other source', text: 'parental leave elsewhere' }]), { signal: signal() });
      expect((await other.health(signal())).documentCount).toBe(1);
      expect((await other.get('parental-leave', signal()))?.title).toBe('Other source');
      expect((await connector.get('parental-leave', signal()))?.title).toBe('Parental Leave');
      await expectStatsConsistent(schema, 'other');
    } finally {
      await other.close();
    }
  });

  it('indexes long bodies whole, past the 16,383 positions one tsvector keeps', async () => {
    // 20,000 words, 500 distinct: one tsvector would fold every position past 16,383 into one.
    const body = `${Array.from({ length: 20_000 }, (_, i) => `w${i % 500}`).join(' ')} zanzibar`;
    await connector.ingest(fromArray([{ id: 'long', title: 'Long', text: body }]), { signal: signal() });
    const { rows } = await sql(`SELECT length FROM "${schema}".documents WHERE source = 'handbook' AND id = 'long'`);
    expect(rows[0].length).toBeGreaterThanOrEqual(19_900);
    const hits = await connector.search({ query: 'zanzibar', limit: 3, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.nativeId)).toEqual(['long']);
    await expectStatsConsistent(schema, 'handbook');
  });

  it('answers hostile and empty-of-terms queries without SQL errors', async () => {
    for (const query of ["'; DROP TABLE documents; --", 'the of and a', '\\\\\\', '&|!():*<->', 'x'.repeat(1000), '\u0000']) {
      await expect(connector.search({ query, limit: 10, updatedAfter: null, signal: signal() })).resolves.toBeInstanceOf(Array);
    }
  });
});
