// Migration 006's tf blocks and the lengths the connector holds (document-lengths.ts), on the
// local server: a source made before 006 gets its blocks and ranks as before; a connector never
// scores with a length another process has since changed, nor with the lengths of a schema that
// was dropped and made again. Each answer is compared with the exhaustive statement, which reads
// the postings rows. Own schemas.
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { buildExhaustiveSearchSql } from '../../../connectors/postgres/bm25-sql.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { ingestDocuments } from '../../../connectors/postgres/ingest.js';
import { loadMigrations, migrate } from '../../../connectors/postgres/migrate.js';
import { createPgClient } from '../../../connectors/postgres/pg-client.js';
import {
  createPostgresConnector,
  dropSchema,
  expectBlocksMirrorPostings,
  fromArray,
  plainSearchParams,
  postgresSkipReason,
  quietLogger,
  signal,
  sql,
  TEST_DATABASE_URL,
  uniqueSchema,
} from './helpers.js';

const skipReason = await postgresSkipReason();

const WORDS = ['otter', 'beaver', 'heron', 'salmon', 'willow', 'reed', 'stone', 'river', 'moss', 'alder'];

/** Documents of different lengths, some past 1,024 doc_keys, and a few terms counted 63 or more times. */
function corpus(count: number, salt = 0): IngestDocument[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `d${i}`,
    title: `${WORDS[(i + salt) % 10]} ${WORDS[(i * 3 + salt) % 10]}`,
    text: Array.from({ length: 4 + ((i * 7 + salt) % 23) + (i % 97 === 0 ? 70 : 0) }, (_, j) => WORDS[(i + j * j + salt) % (i % 97 === 0 ? 1 : 10)]).join(' '),
  }));
}

const QUERIES = ['otter', 'heron willow', 'salmon reed stone river', 'moss alder otter'];

/** What the connector answers and what the exhaustive statement answers, as `id score` lines. */
async function bothAnswers(connector: PostgresConnector, schema: string, source: string, query: string) {
  const hits = await connector.search({ query, limit: 25, updatedAfter: null, signal: signal() });
  const { rows } = await sql(buildExhaustiveSearchSql(schema, false), plainSearchParams(source, query, 25));
  return {
    connector: hits.map((hit) => `${hit.nativeId} ${hit.score.toFixed(9)}`),
    exhaustive: rows.map((row: { id: string; score: number }) => `${row.id} ${Number(row.score).toFixed(9)}`),
  };
}

async function expectExact(connector: PostgresConnector, schema: string, source: string): Promise<void> {
  for (const query of QUERIES) {
    const { connector: got, exhaustive } = await bothAnswers(connector, schema, source, query);
    expect(exhaustive.length, query).toBeGreaterThan(0);
    expect(got, query).toEqual(exhaustive);
  }
}

describe.skipIf(skipReason !== null)(`tf blocks and held lengths${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schemas: string[] = [];
  const connectors: PostgresConnector[] = [];
  const open = async (schema: string, logger = quietLogger) => {
    const connector = createPostgresConnector({ name: 'river', url: TEST_DATABASE_URL, schema }, tmpdir(), logger) as PostgresConnector;
    await connector.start(signal());
    connectors.push(connector);
    return connector;
  };
  /** A pg client of one connection, for migrating and ingesting as an older release would. */
  const rawClient = () =>
    createPgClient({ connectionString: TEST_DATABASE_URL, poolSize: 1, statementTimeoutMs: 30_000, connectTimeoutMs: 3000, logger: quietLogger });
  const newSchema = (prefix: string) => {
    const schema = uniqueSchema(prefix);
    schemas.push(schema);
    return schema;
  };

  afterAll(async () => {
    for (const connector of connectors) await connector.close();
    for (const schema of schemas) await dropSchema(schema);
  });

  it('builds the tf and length blocks of a source ingested before migration 006, which then ranks exactly', async () => {
    const schema = newSchema('tf_upgrade');
    const client = rawClient();
    try {
      const all = await loadMigrations();
      await migrate(client, { schema, signal: signal(), migrations: all.filter((m) => m.version < 6) });
      await ingestDocuments({ client, schema, source: 'river', textSearchConfig: 'english', logger: quietLogger }, fromArray(corpus(2500)), {
        signal: AbortSignal.timeout(120_000),
        batchSize: 400,
      });
      expect(await migrate(client, { schema, signal: signal(), migrations: all })).toEqual(all.filter((m) => m.version >= 6).map((m) => m.name));
    } finally {
      await client.close();
    }
    await expectBlocksMirrorPostings(schema);
    const { rows } = await sql(`SELECT count(*)::int AS n, min(generation)::int AS generation FROM "${schema}".length_blocks`);
    // 2,500 doc_keys: three blocks, tagged with the generation the source had
    expect(rows[0]).toEqual({ n: 3, generation: 7 });
    await expectExact(await open(schema), schema, 'river');
  }, 180_000);

  it('scores with the length another process has since given a document, never the one it held', async () => {
    const schema = newSchema('tf_stale');
    const reader = await open(schema);
    await reader.ingest(fromArray(corpus(1500)), { signal: AbortSignal.timeout(120_000), batchSize: 300 });
    await expectExact(reader, schema, 'river');
    const before = (await bothAnswers(reader, schema, 'river', 'otter')).connector;
    // another server re-ingests documents with the same words but many more of other ones
    const writer = await open(schema);
    const longer = corpus(1500)
      .filter((_, i) => i % 5 === 0)
      .map((doc) => ({ ...doc, text: `${doc.text} ${'lichen '.repeat(300)}` }));
    await writer.ingest(fromArray(longer), { signal: AbortSignal.timeout(120_000) });
    const after = (await bothAnswers(reader, schema, 'river', 'otter')).connector;
    expect(after).not.toEqual(before);
    await expectExact(reader, schema, 'river');
    await expectBlocksMirrorPostings(schema);
  }, 180_000);

  /** What is left in the schema of migration 004's blocks: table, triggers, functions. */
  async function postingBlocksLeft(schema: string): Promise<string[]> {
    const { rows } = await sql(
      `SELECT 'table ' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = 'posting_blocks'
       UNION ALL
       SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND NOT t.tgisinternal
       UNION ALL
       SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND (p.proname LIKE '%posting_block%')
       ORDER BY 1`,
      [schema],
    );
    return rows.map((row: { name: string }) => row.name);
  }

  /** The triggers a schema keeps after migration 007: 006's, on postings and documents. */
  const TRIGGERS_AFTER_007 = [
    'trigger documents_inserted_lengths',
    'trigger documents_updated_lengths',
    'trigger postings_deleted_tf',
    'trigger postings_inserted_tf',
  ];

  it.each([
    ['as migration 006 left them', false],
    ['after an operator dropped them by hand, as the operations page said', true],
  ])(
    'migration 007 drops migration 004’s blocks %s; ingest and ranking go on exactly',
    async (_case, droppedByHand) => {
      const schema = newSchema('tf_contract');
      const client = rawClient();
      const all = await loadMigrations();
      try {
        await migrate(client, { schema, signal: signal(), migrations: all.filter((m) => m.version < 7) });
        await ingestDocuments({ client, schema, source: 'river', textSearchConfig: 'english', logger: quietLogger }, fromArray(corpus(600)), {
          signal: AbortSignal.timeout(120_000),
          batchSize: 300,
        });
        expect(await postingBlocksLeft(schema)).toContain('table posting_blocks');
        if (droppedByHand) {
          await sql(`DROP TRIGGER postings_inserted ON "${schema}".postings`);
          await sql(`DROP TRIGGER postings_deleted ON "${schema}".postings`);
          await sql(`DROP TABLE "${schema}".posting_blocks`);
        }
        expect(await migrate(client, { schema, signal: signal(), migrations: all })).toEqual(all.filter((m) => m.version >= 7).map((m) => m.name));
      } finally {
        await client.close();
      }
      expect(await postingBlocksLeft(schema)).toEqual(TRIGGERS_AFTER_007);
      const warnings: string[] = [];
      const connector = await open(schema, { ...quietLogger, warn: (_fields: unknown, message?: string) => void warnings.push(String(message)) });
      const summary = await connector.ingest(fromArray(corpus(1300, 3)), { signal: AbortSignal.timeout(120_000), batchSize: 300 });
      expect(summary.failed).toEqual([]);
      await expectExact(connector, schema, 'river');
      await expectBlocksMirrorPostings(schema);
      // the VACUUM after the ingest ran without naming the dropped table
      expect(warnings.filter((message) => message.includes('VACUUM'))).toEqual([]);
    },
    180_000,
  );

  it.each([
    ['006', 6],
    ['007', 7],
  ])(
    'lets an ingest that is running while migration %s is applied finish, with every block current',
    async (_name, version) => {
      const schema = newSchema(`tf_live_${version}`);
      const all = await loadMigrations();
      const writer = rawClient();
      const migrator = rawClient();
      try {
        await migrate(writer, { schema, signal: signal(), migrations: all.filter((m) => m.version < version) });
        // an ingest of the release before: many small batches, that release's triggers firing in each
        const ingest = ingestDocuments(
          { client: writer, schema, source: 'river', textSearchConfig: 'english', logger: quietLogger },
          fromArray(corpus(4800, 1)),
          {
            signal: AbortSignal.timeout(120_000),
            batchSize: 100,
          },
        );
        let ingested = false;
        void ingest.then(() => {
          ingested = true;
        });
        await expect
          .poll(async () => (await sql(`SELECT count(*)::int AS n FROM "${schema}".documents`)).rows[0].n, { timeout: 60_000, interval: 20 })
          .toBeGreaterThan(0);
        expect(await migrate(migrator, { schema, signal: signal(), migrations: all })).toEqual(all.filter((m) => m.version >= version).map((m) => m.name));
        // the migration went in between two of the ingest's batches, not after the last
        expect(ingested).toBe(false);
        const summary = await ingest;
        expect(summary.failed).toEqual([]);
      } finally {
        await writer.close();
        await migrator.close();
      }
      const { rows } = await sql(`SELECT count(*)::int AS n FROM "${schema}".documents`);
      expect(rows[0].n).toBe(4800);
      expect(await postingBlocksLeft(schema)).toEqual(TRIGGERS_AFTER_007);
      await expectBlocksMirrorPostings(schema);
      await expectExact(await open(schema), schema, 'river');
    },
    180_000,
  );

  it('drops the lengths it holds when the schema is dropped and made again, even at the same generation', async () => {
    const schema = newSchema('tf_again');
    const reader = await open(schema);
    await reader.ingest(fromArray(corpus(1200)), { signal: AbortSignal.timeout(120_000), batchSize: 600 });
    await expectExact(reader, schema, 'river');
    await dropSchema(schema);
    // the same ids and doc_keys, other lengths, written in as many batches: the same generation
    const writer = await open(schema);
    await writer.ingest(fromArray(corpus(1200, 5)), { signal: AbortSignal.timeout(120_000), batchSize: 600 });
    await expectExact(reader, schema, 'river');
  }, 180_000);
});
