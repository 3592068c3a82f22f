// The tf blocks' layout: ingest writes a term's blocks batch by batch, spread over the table;
// regrouping lays them out by term again (a copy swapped in) without changing a single answer.
// Own schema, local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { buildBlockSearchSql } from '../../../connectors/postgres/bm25-sql.js';
import { ingestDocuments, regroupPostingBlocks, REGROUP_FROM, shouldRegroupBlocks } from '../../../connectors/postgres/ingest.js';
import { migrate } from '../../../connectors/postgres/migrate.js';
import { createPgClient } from '../../../connectors/postgres/pg-client.js';
import { openPgliteClient } from '../../../connectors/postgres/pglite-client.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';
import {
  createPostgresConnector,
  dropSchema,
  expectBlocksMirrorPostings,
  fromArray,
  makeTempDir,
  plainSearchParams,
  postgresSkipReason,
  quietLogger,
  signal,
  sql,
  TEST_DATABASE_URL,
  uniqueSchema,
} from './helpers.js';

const skipReason = await postgresSkipReason();

describe('when an ingest regroups the posting blocks', () => {
  const count = (n: number) => async () => n;
  it('does so after an ingest of many documents that are a good share of the source, not after a few', async () => {
    expect(await shouldRegroupBlocks(100_000, count(100_000))).toBe(true);
    expect(await shouldRegroupBlocks(REGROUP_FROM.documents, count(5 * REGROUP_FROM.documents))).toBe(true);
    // a handful of documents: the copy would cost far more than it saves
    expect(await shouldRegroupBlocks(50, count(50))).toBe(false);
    // many documents, but a small part of a large source
    expect(await shouldRegroupBlocks(20_000, count(1_000_000))).toBe(false);
  });

  it('does not count the source after a small ingest', async () => {
    let counted = false;
    expect(
      await shouldRegroupBlocks(50, async () => {
        counted = true;
        return 50;
      }),
    ).toBe(false);
    expect(counted).toBe(false);
  });
});

/** How many rows, read in physical order, come before the row that precedes them in (term_id, block) order. */
const outOfOrderSql = (schema: string) => `
  SELECT count(*)::int AS n FROM (
    SELECT term_id, block, lag(term_id) OVER w AS prev_term, lag(block) OVER w AS prev_block
    FROM ${schema}.tf_blocks WINDOW w AS (ORDER BY ctid)) x
  WHERE (term_id, block) < (prev_term, prev_block)`;

/** Documents whose words repeat across many of them, so that terms have blocks in every doc_key range. */
function corpus(count: number): IngestDocument[] {
  const words = ['otter', 'beaver', 'heron', 'salmon', 'willow', 'reed', 'stone', 'river'];
  return Array.from({ length: count }, (_, i) => ({
    id: `d${i}`,
    title: `${words[i % 8]} ${words[(i * 3) % 8]}`,
    text: Array.from({ length: 6 + (i % 5) }, (_, j) => words[(i + j * j) % 8]).join(' '),
  }));
}

describe.skipIf(skipReason !== null)(`posting blocks layout${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('blocks');
  let connector: PostgresConnector;
  const client = createPgClient({ connectionString: TEST_DATABASE_URL, poolSize: 2, statementTimeoutMs: 10_000, connectTimeoutMs: 3000, logger: quietLogger });

  beforeAll(async () => {
    connector = createPostgresConnector({ name: 'river', url: TEST_DATABASE_URL, schema }) as PostgresConnector;
    await connector.start(signal());
    // small batches: each one repacks the blocks it touches, which then lie wherever there was room
    await connector.ingest(fromArray(corpus(3000)), { signal: AbortSignal.timeout(120_000), batchSize: 100 });
  }, 180_000);

  afterAll(async () => {
    await connector?.close();
    await client.close();
    await dropSchema(schema);
  });

  async function outOfOrder(): Promise<number> {
    return (await sql(outOfOrderSql(`"${schema}"`))).rows[0].n;
  }

  const answers = async () =>
    Promise.all(
      ['otter heron', 'salmon', 'willow reed stone', 'river beaver otter'].map(async (query) =>
        (await connector.search({ query, limit: 10, updatedAfter: null, signal: signal() })).map((hit) => `${hit.nativeId} ${hit.score.toFixed(10)}`),
      ),
    );

  it('keeps the blocks equal to the postings through ingests in many small batches', async () => {
    await expectBlocksMirrorPostings(schema);
  });

  it('lays every term’s blocks out together again, and every answer stays the same', async () => {
    expect(await outOfOrder()).toBeGreaterThan(0);
    const before = await answers();
    const blocksBefore = await sql(`SELECT term_id, block, postings FROM "${schema}".tf_blocks ORDER BY term_id, block`);
    await regroupPostingBlocks({ client, schema, source: 'river', textSearchConfig: 'english', logger: quietLogger }, signal());
    expect(await outOfOrder()).toBe(0);
    const blocksAfter = await sql(`SELECT term_id, block, postings FROM "${schema}".tf_blocks ORDER BY term_id, block`);
    expect(blocksAfter.rows).toEqual(blocksBefore.rows);
    // the connector's prepared statements find the new table by name
    expect(await answers()).toEqual(before);
  });

  it('keeps the table as it was: its key, uncompressed storage, and the triggers that keep it current', async () => {
    const { rows } = await sql(
      `SELECT (SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass AND i.indisprimary) AS key,
              (SELECT attstorage FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'postings') AS storage`,
      [`"${schema}".tf_blocks`],
    );
    expect(rows[0]).toEqual({ key: 'tf_blocks_pkey', storage: 'e' });
    await connector.ingest(fromArray([{ id: 'd0', title: 'kingfisher', text: 'a kingfisher by the river' }]), { signal: signal() });
    expect((await connector.search({ query: 'kingfisher', limit: 10, updatedAfter: null, signal: signal() })).map((hit) => hit.nativeId)).toEqual(['d0']);
    expect((await connector.search({ query: 'otter', limit: 5000, updatedAfter: null, signal: signal() })).map((hit) => hit.nativeId)).not.toContain('d0');
    await expectBlocksMirrorPostings(schema);
  });
});

describe('posting blocks regrouped on embedded PGlite', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let client: SqlClient;
  const target = () => ({ client, schema: 'knowledge', source: 'river', textSearchConfig: 'english', logger: quietLogger });
  const long = () => AbortSignal.timeout(170_000);

  beforeAll(async () => {
    temp = await makeTempDir('pglite-blocks');
    client = await openPgliteClient({ dataDir: temp.dir, sharedBuffersMb: 16 }, long());
    await migrate(client, { schema: 'knowledge', signal: long() });
    await ingestDocuments(target(), fromArray(corpus(1500)), { signal: long(), batchSize: 100 });
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await temp?.remove();
  });

  it('swaps in the regrouped table, and a prepared block statement reads the new one', async () => {
    // holding no lengths (-1, -1): the statement sends them all, in the same row every time
    const params = [...plainSearchParams('river', 'otter heron willow', 10), -1, -1];
    const blocksOf = () => client.query(buildBlockSearchSql('knowledge'), params, long(), { name: 'kmcp_search_blocks' });
    const before = await blocksOf();
    expect(before.length).toBe(3 + 1);
    await regroupPostingBlocks(target(), long());
    expect(await blocksOf()).toEqual(before);
    const [order] = await client.query<{ n: number }>(outOfOrderSql('knowledge'), [], long());
    expect(order?.n).toBe(0);
  }, 120_000);
});
