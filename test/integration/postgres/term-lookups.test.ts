// A query's few words are looked up in the term dictionary by its (source, term) key. Joined
// plainly, the generic plan (the one prepared statements keep) guessed 10–100 lexemes and, on a
// small source such as the embedded demo's, read the whole dictionary instead: twice per search.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildBlockSearchSql, buildExhaustiveSearchSql, buildWordStatisticsSql } from '../../../connectors/postgres/bm25-sql.js';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { openPgliteClient } from '../../../connectors/postgres/pglite-client.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';
import { seedIfEmpty } from '../../../src/composition/seed-source.js';
import { createPostgresConnector, makeTempDir, quietLogger } from './helpers.js';

const HANDBOOK = path.resolve(import.meta.dirname, '../../../demo/handbook/handbook.jsonl');
vi.setConfig({ hookTimeout: 180_000, testTimeout: 60_000 });
const slow = () => AbortSignal.timeout(170_000);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** How the generic plan (plan_cache_mode=force_generic_plan in the PGlite worker) reads `terms`. */
async function termsAccess(client: SqlClient, name: string, statement: string, args: string): Promise<string[]> {
  await client.exec(`PREPARE ${name} AS ${statement}`, slow());
  const [row] = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE ${name}(${args})`, [], slow());
  const plan = row?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error(`no plan for ${name}`);
  return planNodes(plan)
    .filter((node) => node['Relation Name'] === 'terms')
    .map((node) => node['Node Type']);
}

describe('term dictionary lookups on a small embedded source', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let client: SqlClient;

  beforeAll(async () => {
    temp = await makeTempDir('term-lookups');
    const seeded = createPostgresConnector({ name: 'handbook' }, temp.dir) as PostgresConnector;
    await seeded.start(slow());
    await seedIfEmpty(seeded, HANDBOOK, quietLogger, slow());
    await seeded.close();
    // the connector's files: `pglite` under the data directory
    client = await openPgliteClient({ dataDir: path.join(temp.dir, 'pglite'), sharedBuffersMb: 16 }, slow());
    const [terms] = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM knowledge_mcp.terms', [], slow());
    // enough of a dictionary that reading all of it is the plan to avoid
    expect(terms?.n).toBeGreaterThan(500);
  });

  afterAll(async () => {
    await client?.close();
    await temp?.remove();
  });

  const SEARCH_ARGS = `'handbook', 'english', 'referral bonus', 10, NULL, NULL, NULL, NULL, NULL, NULL`;

  it('probes the key for the word statistics of the federation', async () => {
    const access = await termsAccess(client, 'word_stats', buildWordStatisticsSql('knowledge_mcp'), `'handbook', 'english', ARRAY['referral', 'bonus']`);
    expect(access.length).toBeGreaterThan(0);
    expect(access).not.toContain('Seq Scan');
  });

  it('probes the key for the query terms of both search statements', async () => {
    for (const [name, statement, args] of [
      ['exhaustive', buildExhaustiveSearchSql('knowledge_mcp', false), SEARCH_ARGS],
      ['exhaustive_filtered', buildExhaustiveSearchSql('knowledge_mcp', true), SEARCH_ARGS],
      ['blocks', buildBlockSearchSql('knowledge_mcp'), `${SEARCH_ARGS}, 0, -1`],
    ] as const) {
      const access = await termsAccess(client, name, statement, args);
      expect(access.length, name).toBeGreaterThan(0);
      expect(access, name).not.toContain('Seq Scan');
    }
  });
});
