// Document ACLs and BM25 from posting blocks on the local server: a caller sees only what its
// principals may read, pages stay full, scores don't move; the connector ranks exactly as the
// exhaustive statement (also with global statistics, and after the average length drifts). Own schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { buildExhaustiveSearchSql, type SearchParams } from '../../../connectors/postgres/bm25-sql.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import {
  createPostgresConnector,
  dropSchema,
  expectBlocksMirrorPostings,
  fromArray,
  postgresSkipReason,
  signal,
  sql,
  plainSearchParams,
  TEST_DATABASE_URL,
  uniqueSchema,
} from './helpers.js';

const skipReason = await postgresSkipReason();

function search(connector: PostgresConnector, query: string, limit: number, principals?: readonly string[] | null) {
  return connector.search({ query, limit, updatedAfter: null, signal: signal(), principals });
}

describe.skipIf(skipReason !== null)(`document ACLs${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('acl');
  let connector: PostgresConnector;
  // Twelve HR-only documents say "walrus" more often than the three public ones.
  const docs: IngestDocument[] = [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `hr-${i}`, title: `Walrus walrus policy ${i}`, text: 'walrus walrus walrus care', acl: ['group:hr'] })),
    { id: 'public-1', title: 'Walrus facts', text: 'a walrus lives on ice' },
    { id: 'public-2', title: 'Arctic animals', text: 'the walrus and the seal' },
    { id: 'public-3', title: 'Zoo guide', text: 'see the walrus at noon' },
    { id: 'alice-note', title: 'Walrus diary', text: 'walrus walrus notes', acl: ['user:alice'] },
    { id: 'service-only', title: 'Walrus audit', text: 'walrus walrus walrus walrus audit', acl: [] },
  ];

  beforeAll(async () => {
    connector = createPostgresConnector({ name: 'acl', url: TEST_DATABASE_URL, schema }) as PostgresConnector;
    await connector.start(signal());
    await connector.ingest(fromArray(docs), { signal: signal() });
  });

  afterAll(async () => {
    await connector?.close();
    await dropSchema(schema);
  });

  it('gives a caller a full page of only the documents its principals may read, with unchanged scores', async () => {
    const everything = await search(connector, 'walrus', 50);
    expect(everything).toHaveLength(docs.length);
    const page = await search(connector, 'walrus', 3, ['group:eng']);
    expect(page.map((hit) => hit.nativeId).sort()).toEqual(['public-1', 'public-2', 'public-3']);
    for (const hit of page) expect(hit.score).toBeCloseTo(everything.find((other) => other.nativeId === hit.nativeId)!.score, 9);
  });

  it('lets a principal named in the ACL read the document; [] is for service callers only', async () => {
    const alice = (await search(connector, 'walrus', 50, ['user:alice', 'group:eng'])).map((hit) => hit.nativeId);
    expect(alice).toContain('alice-note');
    expect(alice).not.toContain('service-only');
    expect(alice.some((id) => id.startsWith('hr-'))).toBe(false);
    const hr = (await search(connector, 'walrus', 50, ['group:hr'])).map((hit) => hit.nativeId);
    expect(hr.filter((id) => id.startsWith('hr-'))).toHaveLength(12);
    expect((await search(connector, 'walrus', 50, null)).map((hit) => hit.nativeId)).toContain('service-only');
  });

  it('answers get() for a forbidden document exactly as for a missing one', async () => {
    expect(await connector.get('hr-1', signal(), ['group:eng'])).toBeNull();
    expect(await connector.get('hr-1', signal(), ['group:hr'])).toMatchObject({ nativeId: 'hr-1' });
    expect(await connector.get('hr-1', signal())).toMatchObject({ nativeId: 'hr-1' });
    expect(await connector.get('service-only', signal(), ['user:alice'])).toBeNull();
  });

  it('treats a changed ACL as an update, and the same ACL in another order as no change', async () => {
    await expectBlocksMirrorPostings(schema);
    const again = await connector.ingest(fromArray([{ ...docs[0]!, acl: ['group:hr'] }]), { signal: signal() });
    expect(again.written).toBe(0);
    const opened = await connector.ingest(fromArray([{ ...docs[0]!, acl: ['group:eng', 'group:hr'] }]), { signal: signal() });
    expect(opened).toMatchObject({ written: 1, updated: 1 });
    expect((await search(connector, 'walrus', 50, ['group:eng'])).map((hit) => hit.nativeId)).toContain('hr-0');
    await expectBlocksMirrorPostings(schema);
  });

  it('keeps the posting blocks equal to the postings when a document changes its words', async () => {
    await connector.ingest(fromArray([{ id: 'public-1', title: 'Walrus facts', text: 'a walrus swims under the narwhal' }]), { signal: signal() });
    await expectBlocksMirrorPostings(schema);
    expect((await search(connector, 'narwhal', 10)).map((hit) => hit.nativeId)).toEqual(['public-1']);
    await connector.ingest(fromArray([{ id: 'public-1', title: 'Walrus facts', text: 'a walrus lives on ice' }]), { signal: signal() });
    await expectBlocksMirrorPostings(schema);
    expect(await search(connector, 'narwhal', 10)).toEqual([]);
  });

  it('packs a term counted more than 65,535 times in a document longer than that, and scores it as the exhaustive statement does', async () => {
    // a tsvector keeps 256 positions per word, so per 10,000-character slice: 266 slices of one word
    await connector.ingest(fromArray([{ id: 'huge', title: 'Long log', text: `${'walrus '.repeat(380_000)}narwhal narwhal` }]), { signal: signal() });
    await expectBlocksMirrorPostings(schema);
    const { rows } = await sql(`SELECT max(tf)::int AS tf, max(length)::int AS length FROM "${schema}".postings`);
    expect(rows[0].tf).toBeGreaterThan(65_535);
    expect(rows[0].length).toBeGreaterThan(65_535);
    const { rows: exhaustive } = await sql(buildExhaustiveSearchSql(schema, false), plainSearchParams('acl', 'walrus narwhal', 50));
    const viaBlocks = await search(connector, 'walrus narwhal', 50);
    expect(viaBlocks.map((hit) => `${hit.nativeId} ${hit.score.toFixed(8)}`)).toEqual(exhaustive.map((row) => `${row.id} ${Number(row.score).toFixed(8)}`));
    expect(viaBlocks[0]?.nativeId).toBe('huge');
  });
});

/** A small Zipf-like corpus: common words in most documents, rare ones in a few. */
function syntheticCorpus(count: number, seed: number, words = 12): IngestDocument[] {
  let state = seed;
  const random = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 2.5)]!;
  return Array.from({ length: count }, (_, i) => ({
    id: `s${seed}-${i}`,
    title: Array.from({ length: 3 }, word).join(' '),
    text: Array.from({ length: words + Math.floor(random() * words * 3) }, word).join(' '),
  }));
}

describe.skipIf(skipReason !== null)(`BM25 from posting blocks${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('prune');
  let connector: PostgresConnector;

  beforeAll(async () => {
    connector = createPostgresConnector({ name: 'prune', url: TEST_DATABASE_URL, schema }) as PostgresConnector;
    await connector.start(signal());
  });

  afterAll(async () => {
    await connector?.close();
    await dropSchema(schema);
  });

  const queries = ['w0x w1x', 'w2x w5x wax w10x', 'w0x w3x w4x w7x w9x wbx', 'w1x wfx', 'w0x', 'w6x w8x w2x', 'w11x w0x w1x w2x w3x'];

  /** The statements' parameters for the synthetic source: its own statistics, no filter, unless overridden. */
  const statementParams = (query: string, limit: number, overrides: Partial<SearchParams> = {}) => plainSearchParams('prune', query, limit, overrides);

  async function expectSameAsExhaustive(overrides: Partial<SearchParams> = {}, limits = [1, 10, 25]): Promise<void> {
    for (const query of queries) {
      for (const limit of limits) {
        const filtered = overrides.principals !== undefined && overrides.principals !== null;
        const { rows: exhaustive } = await sql(buildExhaustiveSearchSql(schema, filtered), statementParams(query, limit, overrides));
        const show = (rows: Array<{ id: string; score: number }>) => rows.map((row) => `${row.id} ${Number(row.score).toFixed(8)}`);
        expect(exhaustive.length, `${query} (limit ${limit}) finds documents`).toBeGreaterThan(0);
        const statistics =
          overrides.docCount === undefined
            ? undefined
            : {
                documentCount: overrides.docCount!,
                averageLength: overrides.avgdl ?? null,
                documentFrequencies: Object.fromEntries((overrides.words ?? []).map((word, index) => [word, overrides.dfs![index]!])),
              };
        // the connector: the posting blocks summed in JavaScript
        const viaBlocks = await connector.search({ query, limit, updatedAfter: null, signal: signal(), principals: overrides.principals, statistics });
        expect(
          viaBlocks.map((hit) => `${hit.nativeId} ${hit.score.toFixed(8)}`),
          `${query} (limit ${limit}, blocks)`,
        ).toEqual(show(exhaustive));
      }
    }
    await expectBlocksMirrorPostings(schema);
  }

  it('ranks exactly as the exhaustive statement, with the source statistics and with global ones', async () => {
    await connector.ingest(fromArray(syntheticCorpus(1500, 7)), { signal: AbortSignal.timeout(120_000) });
    await expectSameAsExhaustive();
    await expectSameAsExhaustive({ docCount: 50_000, avgdl: 40, words: ['w0x', 'w1x', 'w2x'], dfs: [20_000, 300, 5] });
  }, 180_000);

  it('stays exact while the average length drifts; ingest no longer recomputes impacts nor keeps an index by them (migration 005)', async () => {
    const before = await sql(`SELECT impact_avgdl FROM "${schema}".source_stats WHERE source = 'prune'`);
    // Long documents: the average length grows by far more than the 10 % that made ingest rewrite every impact.
    await connector.ingest(fromArray(syntheticCorpus(600, 11, 60)), { signal: AbortSignal.timeout(120_000) });
    const after = await sql(`SELECT impact_avgdl, total_length::float8 / doc_count AS avgdl FROM "${schema}".source_stats WHERE source = 'prune'`);
    expect(Number(after.rows[0].avgdl) / Number(before.rows[0].impact_avgdl)).toBeGreaterThan(1.1);
    expect(Number(after.rows[0].impact_avgdl)).toBe(Number(before.rows[0].impact_avgdl));
    const { rows: indexes } = await sql(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'postings'`, [schema]);
    expect(indexes.map((row) => row.indexname)).toEqual(['postings_pkey']);
    await expectSameAsExhaustive();
    await connector.ingest(fromArray(syntheticCorpus(60, 13, 10)), { signal: signal() });
    await expectSameAsExhaustive();
  }, 180_000);

  it('filters before the cut: a restricted caller gets the same ranking as the exhaustive filtered statement', async () => {
    await sql(`UPDATE "${schema}".documents SET acl = ARRAY['group:a'] WHERE doc_key % 3 = 0`);
    await expectSameAsExhaustive({ principals: ['group:b'] });
    await expectSameAsExhaustive({ principals: ['group:a'] });
  }, 180_000);

  it('reports the source statistics per word, in one statement', async () => {
    const stats = await connector.collectionStatistics({ words: ['w0x', 'and', 'w1x', 'nothingsuch', 'w0x'], signal: signal() });
    const { rows } = await sql(`SELECT term, df FROM "${schema}".terms WHERE source = 'prune' AND term IN ('w0x', 'w1x')`);
    // 'and' is a stop word (no lexeme): left out; a word no document has: 0.
    expect(stats.documentFrequencies).toEqual({ nothingsuch: 0, ...Object.fromEntries(rows.map((row) => [row.term, Number(row.df)])) });
    expect(rows.map((row) => Number(row.df)).every((df) => df > 0)).toBe(true);
    expect(stats.documentCount).toBe(2160);
  });
});

describe.skipIf(skipReason !== null)(`mapped-table ACLs${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('tacl');
  let table: PostgresConnector;

  beforeAll(async () => {
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".pages (id integer PRIMARY KEY, title text, body text, readers text[])`);
    await sql(`INSERT INTO "${schema}".pages VALUES
      (1, 'Garage rules', 'park in the garage', NULL),
      (2, 'Garage salaries', 'garage garage garage staff pay', ARRAY['group:hr']),
      (3, 'Garage audit', 'garage garage audit', '{}')`);
    table = createPostgresConnector({
      name: 'pages',
      url: TEST_DATABASE_URL,
      table: { schema, name: 'pages', columns: { id: 'id', title: 'title', body: 'body' }, acl_column: 'readers' },
    }) as PostgresConnector;
    await table.start(signal());
  });

  afterAll(async () => {
    await table?.close();
    await dropSchema(schema);
  });

  it('filters rows by the acl_column in search and get', async () => {
    expect((await search(table, 'garage', 1, ['group:eng'])).map((hit) => hit.nativeId)).toEqual(['1']);
    expect((await search(table, 'garage', 10, ['group:hr'])).map((hit) => hit.nativeId).sort()).toEqual(['1', '2']);
    expect((await search(table, 'garage', 10)).map((hit) => hit.nativeId).sort()).toEqual(['1', '2', '3']);
    expect(await table.get('2', signal(), ['group:eng'])).toBeNull();
    expect(await table.get('2', signal(), ['group:hr'])).toMatchObject({ nativeId: '2' });
  });
});
