// The read-only mode over an existing table with a column mapping, on the local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { createPostgresConnector, dropSchema, postgresSkipReason, signal, sql, uniqueSchema } from './helpers.js';

const skipReason = await postgresSkipReason();

describe.skipIf(skipReason !== null)(`postgres read-only table mode${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('table');
  let connector: Connector;

  beforeAll(async () => {
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".articles (
      article_id integer PRIMARY KEY, headline text NOT NULL, content text, link text, modified timestamptz)`);
    await sql(
      `INSERT INTO "${schema}".articles VALUES
        (1, 'Parking garage access', 'Badge access to the parking garage opens at 6:00. Visitors park on level -2.', 'https://intra.example.com/a/1', '2023-02-01T00:00:00Z'),
        (2, 'Bicycle storage', 'Bicycles go in the basement storage room; e-bike chargers are on the left wall.', 'https://intra.example.com/a/2', '2025-03-01T00:00:00Z'),
        (3, 'Garage door maintenance', 'The garage door is serviced every March. Do not park in front of it.', NULL, NULL)`,
    );
    connector = createPostgresConnector({
      name: 'articles',
      url_env: 'KMCP_TEST_DB',
      table: { schema, name: 'articles', columns: { id: 'article_id', title: 'headline', body: 'content', url: 'link', updated_at: 'modified' } },
    });
    await connector.start!(signal());
  });

  afterAll(async () => {
    await connector?.close();
    await dropSchema(schema);
  });

  it('is read-only and says what it searches', () => {
    expect(connector.ingest).toBeUndefined();
    expect(connector.description).toContain('articles');
  });

  it('ranks rows matching any of the words, with marked snippets', async () => {
    const hits = await connector.search({ query: 'where do I park in the garage', limit: 10, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.nativeId).sort()).toEqual(['1', '3']);
    expect(hits[0]?.snippet).toMatch(/\*\*(garage|park)\*\*/);
    expect(hits.find((hit) => hit.nativeId === '1')).toMatchObject({ url: 'https://intra.example.com/a/1', updatedAt: '2023-02-01T00:00:00.000Z' });
  });

  it('filters by updated_after (rows without a date drop out)', async () => {
    const hits = await connector.search({ query: 'garage bicycles', limit: 10, updatedAfter: new Date('2024-01-01T00:00:00Z'), signal: signal() });
    expect(hits.map((hit) => hit.nativeId)).toEqual(['2']);
  });

  it('gets a row by id in the column type, and null for ids that cannot exist', async () => {
    expect(await connector.get('2', signal())).toMatchObject({ nativeId: '2', title: 'Bicycle storage', content: expect.stringContaining('e-bike') });
    expect(await connector.get('99', signal())).toBeNull();
    expect(await connector.get('not-a-number', signal())).toBeNull();
    expect(await connector.get('99999999999999999999', signal())).toBeNull();
  });

  it('reports a row estimate without counting the table', async () => {
    await sql(`ANALYZE "${schema}".articles`);
    expect(await connector.health(signal())).toEqual({ ok: true, documentCount: 3 });
  });

  it('answers hostile queries without SQL errors', async () => {
    for (const query of ["it's O'Reilly's", 'a & b | !c <-> (d) :* e', '\\ back\\slash', 'nul\u0000byte garage', 'x'.repeat(1000)]) {
      await expect(connector.search({ query, limit: 5, updatedAfter: null, signal: signal() })).resolves.toBeInstanceOf(Array);
    }
  });
});
