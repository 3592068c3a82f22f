// The relevance target on a real engine: the postgres connector (BM25 over its own
// per-source statistics) on the whole SciFact corpus, against the corpus split across three
// postgres sources and fused by the federation — RRF and the score-aware default.
import { tmpdir } from 'node:os';
import pg from 'pg';
import type { Connector } from '../../connectors/contract/types.js';
import { dropSchema, startPostgresSource } from '../relevance/postgres-rows.js';
import { evaluate, federationOver, mean, MemoConnector, pairedInterval, splitCorpus, SPLITS, type FusionRow } from './fusion.js';
import { loadSciFact } from './scifact.js';

const SCHEMA = 'bench_federation';

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return `PostgreSQL not reachable at ${url.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function comparePostgresSplit(options: {
  databaseUrl: string;
  scifactDir?: string | undefined;
  log: (line: string) => void;
}): Promise<{ rows: FusionRow[] } | { skipped: string }> {
  const unreachable = await reachable(options.databaseUrl);
  if (unreachable) return { skipped: unreachable };
  const data = loadSciFact(options.scifactDir);
  await dropSchema(options.databaseUrl, SCHEMA);
  const started: Connector[] = [];
  try {
    const start = async (name: string) => {
      const connector = await startPostgresSource({ name, url: options.databaseUrl, schema: SCHEMA, timeout_ms: 30_000 }, tmpdir());
      started.push(connector);
      return connector;
    };
    const ingest = async (connector: Connector, docs: typeof data.corpus) => {
      const at = performance.now();
      async function* each() {
        yield* docs;
      }
      await connector.ingest!(each(), { signal: AbortSignal.timeout(900_000) });
      options.log(`postgres ${connector.name}: ${docs.length} documents ingested in ${((performance.now() - at) / 1000).toFixed(1)} s`);
    };
    const whole = await start('whole');
    await ingest(whole, data.corpus);
    const parts: Connector[] = [];
    for (const [index, docs] of splitCorpus(data.corpus, SPLITS[0]!.shares).entries()) {
      const part = await start(`part${index + 1}`);
      await ingest(part, docs);
      parts.push(part);
    }
    const depth = 101;
    const baseline = await evaluate(federationOver([new MemoConnector(whole, depth)], { mode: 'rrf', rrfK: 60 }), data);
    const memoParts = parts.map((part) => new MemoConnector(part, depth));
    const rrf = await evaluate(federationOver(memoParts, { mode: 'rrf', rrfK: 60 }), data);
    const score = await evaluate(federationOver(memoParts, { mode: 'score', rrfK: 60, normalization: 'mean', scoreWindow: 10 }), data);
    const baseNdcg = mean(baseline.ndcg10);
    const row = (split: string, method: string, result: typeof baseline, vs: [number, number] | null): FusionRow => ({
      split,
      method,
      ndcg10: mean(result.ndcg10),
      recall100: mean(result.recall100),
      ofWhole: mean(result.ndcg10) / baseNdcg,
      vsRrf60: vs,
    });
    return {
      rows: [
        row('whole corpus', 'postgres BM25, one source (baseline)', baseline, null),
        row(SPLITS[0]!.label, 'postgres × 3, RRF k=60', rrf, null),
        row(SPLITS[0]!.label, 'postgres × 3, score ÷ mean of top 10', score, pairedInterval(score.ndcg10, rrf.ndcg10)),
      ],
    };
  } finally {
    await Promise.allSettled(started.map((connector) => connector.close()));
    await dropSchema(options.databaseUrl, SCHEMA);
  }
}
