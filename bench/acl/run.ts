// `npm run bench:acl`: document permissions on SciFact, per source kind (markdown folder, managed
// Postgres, a mapped Postgres table with acl_column). Each holds the corpus twice, as it is and with
// a random ACL on every document (1–3 of 10 groups); a caller holding all ten groups must rank
// exactly as a caller of the unrestricted corpus (nDCG@10), and the p50 search latency of
// filtering is compared with the unfiltered search of the same corpus in the same run.
// Env: SCIFACT_DIR, BENCH_ROUNDS (3), DATABASE_URL (the local server), BENCH_ACL_SOURCES
// (comma list of markdown,managed,table; default all).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Connector } from '../../connectors/contract/types.js';
import { postgresSkipReason } from '../../test/integration/postgres/helpers.js';
import { loadSciFact, ndcgAt } from '../federation/scifact.js';
import { writeResults } from '../lib/results.js';
import { seededRandom } from '../lib/seeded-random.js';
import { managedPostgresPair, mappedTablePair, markdownPair, type SourcePair } from './sources.js';

const GROUPS = Array.from({ length: 10 }, (_, index) => `group:g${index}`);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WANTED = new Set((process.env.BENCH_ACL_SOURCES ?? 'markdown,managed,table').split(',').map((name) => name.trim()));
const LIMIT = 10;

function drawAcl(next: () => number): string[] {
  const count = 1 + Math.floor(next() * 3);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(GROUPS[Math.floor(next() * GROUPS.length)] as string);
  return [...picked];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** The four callers measured on every source; the overhead is case 1 over case 2 (same ACL corpus). */
const CASES = [
  { name: 'no ACLs, service caller', corpus: 'plain', principals: null },
  { name: 'random ACLs, caller holding every group', corpus: 'restricted', principals: GROUPS },
  { name: 'random ACLs, service caller', corpus: 'restricted', principals: null },
  { name: 'random ACLs, caller holding one group', corpus: 'restricted', principals: [GROUPS[3] as string] },
] as const;

interface Measured {
  pair: SourcePair;
  index: number;
  connector: Connector;
  ndcg: number;
  forbidden: number;
  /** Queries whose top 10 differs from the unrestricted corpus's. */
  differing: number;
  times: number[];
}

async function main(): Promise<void> {
  const scifact = loadSciFact(process.env.SCIFACT_DIR ?? undefined);
  const next = seededRandom(16);
  const acls = new Map(scifact.corpus.map((doc) => [doc.id, drawAcl(next)]));
  const root = mkdtempSync(path.join(tmpdir(), 'bench-acl-'));
  const pairs: SourcePair[] = [];
  try {
    if (WANTED.has('markdown')) pairs.push(await markdownPair(root, scifact.corpus, acls));
    const pgSkip = WANTED.has('managed') || WANTED.has('table') ? await postgresSkipReason(DATABASE_URL) : null;
    if (pgSkip) console.log(`skipping the Postgres sources: ${pgSkip}`);
    else {
      if (WANTED.has('managed')) pairs.push(await managedPostgresPair(DATABASE_URL, scifact.corpus, acls));
      if (WANTED.has('table')) pairs.push(await mappedTablePair(DATABASE_URL, scifact.corpus, acls));
    }
    if (pairs.length === 0) {
      console.log('nothing to measure');
      return;
    }
    const measured: Measured[] = pairs.flatMap((pair) =>
      CASES.map((item, index) => ({ pair, index, connector: pair[item.corpus], ndcg: 0, forbidden: 0, differing: 0, times: [] })),
    );
    // Rounds interleave every case of every source query by query, in a shuffled order each time,
    // so drift on a shared machine and the cache warmth one case leaves for the next hit all alike.
    const order = measured.map((_, index) => index);
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of scifact.queries) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(next() * (i + 1));
          [order[i], order[j]] = [order[j] as number, order[i] as number];
        }
        const rankings = new Map<Measured, string[]>();
        for (const position of order) {
          const item = measured[position]!;
          const principals = CASES[item.index]!.principals;
          const startedAt = performance.now();
          const hits = await item.connector.search({ query: query.text, limit: LIMIT, updatedAfter: null, signal: AbortSignal.timeout(30_000), principals });
          item.times.push(performance.now() - startedAt);
          if (round === 0)
            rankings.set(
              item,
              hits.map((hit) => hit.nativeId.replace(/\.md$/, '')),
            );
        }
        if (round > 0) continue;
        for (const [item, ids] of rankings) {
          item.ndcg += ndcgAt(ids, scifact.qrels.get(query.id) ?? new Set(), 10);
          const principals = CASES[item.index]!.principals;
          if (principals !== null) {
            const allowed = new Set<string>(principals);
            item.forbidden += ids.filter((id) => !(acls.get(id) ?? []).some((p) => allowed.has(p))).length;
          }
          const unrestricted = [...rankings].find(([other]) => other.pair === item.pair && other.index === 0)?.[1];
          if (unrestricted && ids.join() !== unrestricted.join()) item.differing += 1;
        }
      }
    }
    const queries = scifact.queries.length;
    const of = (pair: SourcePair, index: number) => measured.find((item) => item.pair === pair && item.index === index)!;
    const p50 = (pair: SourcePair, index: number) => median(of(pair, index).times);
    const ndcg = (pair: SourcePair, index: number) => Number((of(pair, index).ndcg / queries).toFixed(4));
    const rows = pairs.map((pair) => ({
      source: pair.kind,
      ndcg_no_acl: ndcg(pair, 0),
      ndcg_every_group: ndcg(pair, 1),
      ndcg_one_group: ndcg(pair, 3),
      top10_differing: of(pair, 1).differing,
      forbidden_hits: of(pair, 1).forbidden + of(pair, 3).forbidden,
      p50_no_acl_ms: Number(p50(pair, 0).toFixed(3)),
      p50_service_ms: Number(p50(pair, 2).toFixed(3)),
      p50_every_group_ms: Number(p50(pair, 1).toFixed(3)),
      p50_one_group_ms: Number(p50(pair, 3).toFixed(3)),
      filter_overhead: Number((p50(pair, 1) / p50(pair, 2)).toFixed(3)),
      every_group_vs_no_acl: Number((p50(pair, 1) / p50(pair, 0)).toFixed(3)),
    }));
    console.table(rows);
    console.log('filter_overhead: p50 of the caller holding every group ÷ p50 of a service caller, same ACL corpus (≤ 1.10 wanted)');
    console.log(`queries ${queries} × ${ROUNDS} rounds, corpus ${scifact.corpus.length} documents, 10 groups, 1–3 per document`);
    const cases = measured.map((item) => ({
      source: item.pair.kind,
      case: CASES[item.index]!.name,
      ndcg_at_10: Number((item.ndcg / queries).toFixed(4)),
      p50_ms: Number(median(item.times).toFixed(3)),
      forbidden_hits: item.forbidden,
      top10_differing_from_no_acl: item.differing,
    }));
    const file = writeResults('acl', { queries, rounds: ROUNDS, corpus: scifact.corpus.length, rows, cases });
    console.log(`wrote ${file}`);
  } finally {
    for (const pair of pairs) await pair.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
