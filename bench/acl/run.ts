// `npm run bench:acl`: document permissions on SciFact. The corpus is written twice as a markdown
// folder, once as it is and once with a random ACL on every page (1–3 of 10 groups); a caller
// holding all ten groups must rank exactly as a caller of the unrestricted corpus (nDCG@10), and
// the p50 search latency of filtering is compared with the unfiltered search in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markdownFactory } from '../../connectors/markdown/index.js';
import type { Connector } from '../../connectors/contract/types.js';
import { loadSciFact, ndcgAt, type CorpusDoc } from '../federation/scifact.js';
import { writeResults } from '../lib/results.js';
import { seededRandom } from '../lib/seeded-random.js';

const GROUPS = Array.from({ length: 10 }, (_, index) => `group:g${index}`);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMIT = 10;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function drawAcl(next: () => number): string[] {
  const count = 1 + Math.floor(next() * 3);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(GROUPS[Math.floor(next() * GROUPS.length)] as string);
  return [...picked];
}

function writeFolder(dir: string, corpus: readonly CorpusDoc[], acls: Map<string, string[]> | null): void {
  mkdirSync(dir, { recursive: true });
  for (const doc of corpus) {
    const acl = acls?.get(doc.id);
    const front = `---\ntitle: ${JSON.stringify(doc.title)}\n${acl ? `acl: ${JSON.stringify(acl)}\n` : ''}---\n\n`;
    writeFileSync(path.join(dir, `${doc.id}.md`), front + doc.text);
  }
}

async function openFolder(name: string, dir: string): Promise<Connector> {
  const config = markdownFactory.configSchema.parse({ name, kind: 'markdown', dir, refresh_interval_ms: 3_600_000 });
  const connector = markdownFactory.create(config, { logger: silent, dataDir: dir, env: {} });
  await connector.start?.(AbortSignal.timeout(600_000));
  return connector;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const scifact = loadSciFact(process.env.SCIFACT_DIR ?? undefined);
  const next = seededRandom(16);
  const acls = new Map(scifact.corpus.map((doc) => [doc.id, drawAcl(next)]));
  const root = mkdtempSync(path.join(tmpdir(), 'bench-acl-'));
  try {
    writeFolder(path.join(root, 'plain'), scifact.corpus, null);
    writeFolder(path.join(root, 'acl'), scifact.corpus, acls);
    const plain = await openFolder('plain', path.join(root, 'plain'));
    const restricted = await openFolder('acl', path.join(root, 'acl'));

    const cases = [
      { name: 'no ACLs, service caller', connector: plain, principals: null },
      { name: 'random ACLs, caller holding every group', connector: restricted, principals: GROUPS },
      { name: 'random ACLs, service caller', connector: restricted, principals: null },
      { name: 'random ACLs, caller holding one group', connector: restricted, principals: [GROUPS[3] as string] },
    ] as const;
    const ndcg = cases.map(() => 0);
    const leaks = cases.map(() => 0);
    const times: number[][] = cases.map(() => []);
    // Rounds interleave the cases query by query, in a shuffled order each time, so drift on a
    // shared machine and the cache warmth one case leaves for the next hit every case alike.
    const order = cases.map((_, index) => index);
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of scifact.queries) {
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(next() * (i + 1));
          [order[i], order[j]] = [order[j] as number, order[i] as number];
        }
        for (const index of order) {
          const item = cases[index]!;
          const startedAt = performance.now();
          const hits = await item.connector.search({
            query: query.text,
            limit: LIMIT,
            updatedAfter: null,
            signal: AbortSignal.timeout(30_000),
            principals: item.principals,
          });
          times[index]?.push(performance.now() - startedAt);
          if (round > 0) continue;
          const ids = hits.map((hit) => hit.nativeId.replace(/\.md$/, ''));
          ndcg[index] = (ndcg[index] ?? 0) + ndcgAt(ids, scifact.qrels.get(query.id) ?? new Set(), 10);
          if (item.principals !== null) {
            const allowed = new Set<string>(item.principals);
            leaks[index] = (leaks[index] ?? 0) + ids.filter((id) => !(acls.get(id) ?? []).some((p) => allowed.has(p))).length;
          }
        }
      }
    }
    const baseline = median(times[0] ?? []);
    const rows = cases.map((item, index) => ({
      case: item.name,
      ndcg_at_10: Number(((ndcg[index] ?? 0) / scifact.queries.length).toFixed(4)),
      p50_ms: Number(median(times[index] ?? []).toFixed(3)),
      p50_ratio_to_no_acl: Number((median(times[index] ?? []) / baseline).toFixed(3)),
      forbidden_hits: leaks[index] ?? 0,
    }));
    const filterOverhead = Number((median(times[1] ?? []) / median(times[2] ?? [])).toFixed(3));
    console.table(rows);
    console.log(`filter overhead (every group vs service caller, same ACL corpus): p50 ratio ${filterOverhead}`);
    console.log(`queries ${scifact.queries.length} × ${ROUNDS} rounds, corpus ${scifact.corpus.length} documents, 10 groups, 1–3 per document`);
    const file = writeResults('acl', { source: 'markdown', queries: scifact.queries.length, rounds: ROUNDS, rows, filter_overhead_p50_ratio: filterOverhead });
    console.log(`wrote ${file}`);
    await plain.close();
    await restricted.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
