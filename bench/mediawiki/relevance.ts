// Relevance of the MediaWiki connector on a third of SciFact loaded into a real MediaWiki
// (bench/mediawiki/prepare.sh), next to the same third in Postgres (BM25) measured in this run,
// the wiki's own search as it comes, and a local BM25 over the whole third; plus API calls/search.
// Run: bash bench/mediawiki/prepare.sh && npx tsx bench/mediawiki/relevance.ts
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IngestDocument } from '../../connectors/contract/types.js';
import { MediaWikiConnector, mediawikiSourceSchema } from '../../connectors/mediawiki/index.js';
import { rankByBm25 } from '../../connectors/mediawiki/rerank.js';
import { analyzeSearchQuery } from '../../connectors/mediawiki/query-terms.js';
import { beirPageTitles } from '../../.ci/mediawiki/dump-xml.js';
import { evaluateRanker, type Ranker } from '../relevance/evaluate.js';
import { dropSchema, ingestTimed, rankerOf, silentLogger, startPostgresSource } from '../relevance/postgres-rows.js';
import { formatRelevanceTable, writeResults, type RelevanceRow } from '../relevance/report.js';
import { loadScifact, splitCorpus, type Qrels } from '../relevance/scifact.js';

const DATA_DIR = process.env.MEDIAWIKI_BENCH_DATA_DIR ?? '/var/lib/knowledge-mcp-mediawiki-bench';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_SCHEMA = 'mediawiki_bench';
const LIMIT = 100;
// Tuning flags: `--quick` (connector rows only), `--rerank N` (candidates re-ranked per search),
// `--modes bot,anon,cold`, `--backend database|cirrus` (cirrus = no wildcard/title searches).
const QUICK = process.argv.includes('--quick');
const RERANK = Number(process.argv[process.argv.indexOf('--rerank') + 1]) || undefined;
const BACKEND = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : undefined;
const MODES = (process.argv.includes('--modes') ? (process.argv[process.argv.indexOf('--modes') + 1] ?? '') : 'bot,anon,cold').split(',');

function readCredentials(): Record<string, string> {
  const file = path.join(DATA_DIR, 'credentials.env');
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** fetch that counts the calls made while `counting` is set. */
function countingFetch(counter: { calls: number }): (input: string, init: RequestInit) => Promise<Response> {
  return (input, init) => {
    counter.calls += 1;
    return fetch(input, init);
  };
}

interface CallStats {
  mean: number;
  max: number;
}

function wikiRanker(connector: MediaWikiConnector, titleToId: Map<string, string>, counter: { calls: number }, perSearch: number[]): Ranker {
  return async (query, limit) => {
    const before = counter.calls;
    const hits = await connector.search({ query, limit, updatedAfter: null, signal: AbortSignal.timeout(30_000) });
    perSearch.push(counter.calls - before);
    return hits.map((hit) => titleToId.get(hit.title) ?? `unknown:${hit.title}`);
  };
}

/** The wiki's own list=search for the whole claim (escaped), in the order the wiki returns. */
function rawSearchRanker(apiUrl: string, titleToId: Map<string, string>): Ranker {
  return async (query, limit) => {
    const text = analyzeSearchQuery(query, { prefixes: false })
      .map((term) => term.searchText)
      .join(' ');
    const params = new URLSearchParams({
      action: 'query',
      list: 'search',
      srsearch: text,
      srwhat: 'text',
      srlimit: String(Math.min(limit, 50)),
      srprop: '',
      format: 'json',
      formatversion: '2',
    });
    const body = (await (await fetch(`${apiUrl}?${params}`)).json()) as { query?: { search?: Array<{ title: string }> } };
    return (body.query?.search ?? []).map((hit) => titleToId.get(hit.title) ?? hit.title);
  };
}

function localBm25Ranker(docs: readonly IngestDocument[]): Ranker {
  const rerankDocs = docs.map((doc) => ({ key: doc.id, title: doc.title, text: doc.text }));
  return async (query, limit) => {
    const stems = analyzeSearchQuery(query, { prefixes: false }).map((term) => term.stem);
    return rankByBm25(rerankDocs, stems, { totalDocuments: docs.length, knownDf: new Map() })
      .filter((entry) => entry.score > 0)
      .slice(0, limit)
      .map((entry) => entry.key);
  };
}

function stats(values: readonly number[]): CallStats {
  return { mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), max: Math.max(0, ...values) };
}

async function main(): Promise<void> {
  const data = await loadScifact();
  const third = splitCorpus(data.corpus, 3)[0] ?? [];
  const inThird = new Set(third.map((doc) => doc.id));
  // Only queries with a relevant document in this third can be answered by it.
  const qrels: Qrels = new Map();
  for (const [query, judged] of data.qrels) {
    const kept = new Map([...judged].filter(([doc]) => inThird.has(doc)));
    if (kept.size > 0) qrels.set(query, kept);
  }
  const queries = data.queries.filter((query) => qrels.has(query.id));
  const titles = beirPageTitles(third.map((doc) => ({ _id: doc.id, title: doc.title })));
  const titleToId = new Map(titles.map((title, i) => [title, third[i]?.id ?? '']));
  const credentials = readCredentials();
  const apiUrl = credentials.MEDIAWIKI_URL ?? 'http://127.0.0.1:8090/api.php';
  console.log(`SciFact third: ${third.length} docs, ${queries.length} judged training queries; wiki ${apiUrl}`);

  const rows: RelevanceRow[] = [];
  const calls: Record<string, CallStats> = {};

  let pgScore: number | null = QUICK ? 0.746 : null;
  if (!QUICK)
    try {
      const connector = await startPostgresSource(
        { name: 'scifact_third', url: DATABASE_URL, schema: PG_SCHEMA },
        await mkdtemp(path.join(tmpdir(), 'mw-bench-')),
      );
      const ingestMs = await ingestTimed(connector, third);
      const score = await evaluateRanker(rankerOf(connector), queries, qrels, LIMIT);
      pgScore = score.ndcg10;
      rows.push({ name: 'postgres (pg) · BM25, same third', ...score, ingestMs, note: 'baseline' });
      await connector.close();
      await dropSchema(DATABASE_URL, PG_SCHEMA);
    } catch (error) {
      rows.push({
        name: 'postgres (pg) · BM25, same third',
        ndcg10: null,
        recall100: null,
        queries: null,
        note: `not measured: ${(error as Error).message.slice(0, 80)}`,
      });
    }

  if (!QUICK) {
    const local = await evaluateRanker(localBm25Ranker(third), queries, qrels, LIMIT);
    rows.push({ name: 'local BM25 over the whole third', ...local, note: 'what the re-ranker does with every text' });
    const raw = await evaluateRanker(rawSearchRanker(apiUrl, titleToId), queries, qrels, LIMIT);
    rows.push({ name: 'mediawiki · list=search as is', ...raw, note: '1 call; AND, no ranking' });
    calls['list=search as is'] = { mean: 1, max: 1 };
  }

  const modes = (['bot login (high limits)', 'anonymous (50 per call)', 'anonymous, cold (no word-count memory)'] as const).filter((mode) =>
    MODES.includes(mode.startsWith('bot') ? 'bot' : mode.includes('cold') ? 'cold' : 'anon'),
  );
  for (const mode of modes) {
    const counter = { calls: 0 };
    const perSearch: number[] = [];
    const config = mediawikiSourceSchema.parse({
      name: 'scifact_wiki',
      kind: 'mediawiki',
      url: apiUrl,
      ...(mode.startsWith('bot') ? { username: credentials.MEDIAWIKI_USERNAME, password: credentials.MEDIAWIKI_PASSWORD } : {}),
      ...(RERANK ? { rerank_candidates: RERANK } : {}),
      ...(BACKEND ? { search_backend: BACKEND } : {}),
    });
    const connector = new MediaWikiConnector(
      config,
      {
        credentials: mode.startsWith('bot') ? { username: config.username ?? '', password: config.password ?? '' } : null,
        fetch: countingFetch(counter),
        rememberWordCounts: !mode.includes('cold'),
      },
      silentLogger,
    );
    await connector.start(AbortSignal.timeout(10_000));
    const score = await evaluateRanker(wikiRanker(connector, titleToId, counter, perSearch), queries, qrels, LIMIT);
    const callStats = stats(perSearch);
    calls[mode] = callStats;
    const ratio = pgScore ? ` · ${((score.ndcg10 / pgScore) * 100).toFixed(0)}% of pg` : '';
    rows.push({ name: `mediawiki connector · ${mode}`, ...score, note: `${callStats.mean.toFixed(2)} calls/search (max ${callStats.max})${ratio}` });
    await connector.close();
  }

  console.log(formatRelevanceTable(rows));
  const file = await writeResults('mediawiki-relevance', {
    at: new Date().toISOString(),
    corpus: 'scifact third (every 3rd doc)',
    docs: third.length,
    queries: queries.length,
    limit: LIMIT,
    rows,
    calls,
  });
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
