// Issue 17's relevance cases on real engines: the whole SciFact corpus in one Postgres source
// (the baseline, same run) against the corpus split over Postgres, markdown and MediaWiki
// sources, fused with global statistics, score normalisation and RRF; plus the added latency.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { CollectionStatistics, Connector, SearchRequest, SourceHit, StatisticsRequest } from '../../connectors/contract/types.js';
import { markdownFactory, markdownSourceSchema } from '../../connectors/markdown/index.js';
import { MediaWikiConnector, mediawikiSourceSchema } from '../../connectors/mediawiki/index.js';
import { beirPageTitles } from '../../.ci/mediawiki/dump-xml.js';
import type { FusionSettings } from '../../src/federation/fuse.js';
import { percentile } from '../relevance/metrics.js';
import { dropSchema, silentLogger, startPostgresSource } from '../relevance/postgres-rows.js';
import { evaluate, federationOver, mean, pairedInterval, splitCorpus, SPLITS, type FusionRow, type PerQuery } from './fusion.js';
import { loadSciFact, type CorpusDoc, type SciFact } from './scifact.js';

const DEPTH = 101;
/** Queries in flight at once while evaluating (answers are memoised, so this only saves wall time). */
const CONCURRENCY = 6;
const MEDIAWIKI_DATA_DIR = process.env.MEDIAWIKI_BENCH_DATA_DIR ?? '/var/lib/knowledge-mcp-mediawiki-bench';
const HANDBOOK = path.resolve('demo/handbook/handbook.jsonl');

export const MODES: Array<{ label: string; fusion: FusionSettings }> = [
  { label: 'global statistics', fusion: { mode: 'global', rrfK: 60, normalization: 'mean', scoreWindow: 10 } },
  { label: 'score ÷ mean of top 10', fusion: { mode: 'score', rrfK: 60, normalization: 'mean', scoreWindow: 10 } },
  { label: 'RRF k=60', fusion: { mode: 'rrf', rrfK: 60 } },
];

/**
 * Answers each (query, statistics) once at full depth and serves shallower requests from that,
 * and maps native IDs back to corpus IDs (markdown paths, wiki titles). Statistics pass through.
 * A source whose top hits depend on how many are asked for (the wiki re-ranks more candidates
 * for a deeper page) is `depthSensitive`: it is asked at each depth the federation asks for.
 */
class BenchSource implements Connector {
  readonly kind: string;
  readonly description: string;
  readonly name: string;
  readonly usesGlobalStatistics?: boolean;
  readonly collectionStatistics?: (request: StatisticsRequest) => Promise<CollectionStatistics>;
  private readonly answers = new Map<string, Promise<SourceHit[]>>();
  constructor(
    /** The connector itself, unmemoised (the latency measure calls it). */
    readonly inner: Connector,
    private readonly toCorpusId: (nativeId: string) => string = (id) => id,
    private readonly depthSensitive = false,
  ) {
    this.name = inner.name;
    this.kind = inner.kind;
    this.description = inner.description;
    if (inner.usesGlobalStatistics) this.usesGlobalStatistics = true;
    const statistics = inner.collectionStatistics?.bind(inner);
    if (statistics) this.collectionStatistics = statistics;
  }
  async search(request: SearchRequest): Promise<SourceHit[]> {
    const depth = this.depthSensitive ? request.limit : DEPTH;
    const key = `${request.query}\u0000${request.statistics ? JSON.stringify(request.statistics) : ''}\u0000${depth}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.inner
        .search({ ...request, limit: depth })
        .then((hits) => hits.map((hit) => ({ ...hit, nativeId: this.toCorpusId(hit.nativeId), contentHash: null })));
      this.answers.set(key, answer);
    }
    return (await answer).slice(0, request.limit);
  }
  get = (id: string, signal: AbortSignal) => this.inner.get(id, signal);
  health = (signal: AbortSignal) => this.inner.health(signal);
  close = async () => {};
}

/** Topical rule: oncology, then infection, by keywords of title and text; the rest. */
const ONCOLOGY = /\b(cancer|tumou?r|oncolog|carcinoma|leukemia|leukaemia|lymphoma|melanoma|metasta|chemotherap|neoplas|sarcoma|glioma)/i;
const INFECTION = /\b(infect|viral|virus|bacteri|hiv|malaria|tubercul|pathogen|vaccin|antibiotic|antimicrobial|influenza|sepsis|parasit|fung)/i;
export function topicOf(doc: CorpusDoc): 0 | 1 | 2 {
  const text = `${doc.title} ${doc.text}`;
  return ONCOLOGY.test(text) ? 0 : INFECTION.test(text) ? 1 : 2;
}

async function writeMarkdownFolder(docs: readonly CorpusDoc[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-federation-md-'));
  await Promise.all(
    docs.map((doc) =>
      writeFile(path.join(dir, `${encodeURIComponent(doc.id)}.md`), `---\ntitle: ${JSON.stringify(doc.title || doc.id)}\n---\n\n${doc.text}\n`),
    ),
  );
  return dir;
}

async function startMarkdown(name: string, docs: readonly CorpusDoc[], cleanup: Array<() => Promise<void>>): Promise<BenchSource> {
  const dir = await writeMarkdownFolder(docs);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const config = markdownSourceSchema.parse({ kind: 'markdown', name, dir, refresh_interval_ms: 3_600_000, max_files: 100_000 });
  const connector = markdownFactory.create(config, { logger: silentLogger, dataDir: tmpdir(), env: {} });
  await connector.start?.(AbortSignal.timeout(900_000));
  cleanup.push(() => connector.close());
  return new BenchSource(connector, (id) => decodeURIComponent(id.replace(/\.md$/, '')));
}

function readCredentials(): Record<string, string> | null {
  try {
    const text = readFileSync(path.join(MEDIAWIKI_DATA_DIR, 'credentials.env'), 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } catch {
    return null;
  }
}

/** The bench wiki (bench/mediawiki/prepare.sh: every 3rd document from the first), or why not. */
async function startMediaWiki(third: readonly CorpusDoc[], cleanup: Array<() => Promise<void>>, candidates?: number): Promise<BenchSource | string> {
  const credentials = readCredentials();
  if (credentials === null) return `no bench wiki in ${MEDIAWIKI_DATA_DIR} (run: bash bench/mediawiki/prepare.sh)`;
  const url = credentials.MEDIAWIKI_URL ?? 'http://127.0.0.1:8090/api.php';
  const config = mediawikiSourceSchema.parse({
    name: 'wiki',
    kind: 'mediawiki',
    url,
    username: credentials.MEDIAWIKI_USERNAME,
    password: credentials.MEDIAWIKI_PASSWORD,
    ...(candidates === undefined ? {} : { rerank_candidates: candidates }),
  });
  const connector = new MediaWikiConnector(
    config,
    { credentials: { username: config.username ?? '', password: config.password ?? '' }, fetch: (input, init) => fetch(input, init), rememberWordCounts: true },
    silentLogger,
  );
  cleanup.push(() => connector.close());
  try {
    await connector.start(AbortSignal.timeout(120_000));
    const health = await connector.health(AbortSignal.timeout(120_000));
    if (!health.ok || (health.documentCount ?? 0) < third.length * 0.9)
      return `bench wiki at ${url} holds ${health.documentCount ?? 0} pages, expected ${third.length}`;
  } catch (error) {
    return `bench wiki at ${url} not reachable (${(error as Error).message.slice(0, 80)})`;
  }
  const titles = beirPageTitles(third.map((doc) => ({ _id: doc.id, title: doc.title })));
  const byTitle = new Map(titles.map((title, index) => [title, third[index]!.id]));
  return new BenchSource(connector, (title) => byTitle.get(title) ?? `unknown:${title}`, true);
}

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

/** A case's row, with its Recall@100 minus the one-index baseline's (target: within 0.01). */
export interface CaseRow extends FusionRow {
  recall100Delta: number;
}

export interface CaseResult {
  queries: number;
  rows: CaseRow[];
  notRun: string[];
  latency: LatencyRow[];
}

export interface LatencyRow {
  sources: string;
  mode: string;
  /** Searches timed for this row. */
  searches: number;
  p50Ms: number;
  p99Ms: number;
  /** p50 / p99 of this row over the `before` row of the same sources and rounds. */
  p50Ratio: number | null;
  p99Ratio: number | null;
}

/**
 * p50/p99 of one search (limit 10, no cache) through createFederation over the same unmemoised
 * connectors, fused before (`score`, the previous default) and after (`global`). Round 0 is the
 * first time `after` sees each query's words (its statistics memo is cold); rounds 1…`rounds` are
 * warm. Within a round the two paths alternate per query, and which goes first alternates too,
 * so load from elsewhere and warm database caches fall on both alike.
 */
async function measureLatency(label: string, sources: Connector[], queries: readonly string[], rounds: number): Promise<LatencyRow[]> {
  const anyone = { keyName: null, allowedSources: null, requestId: 'bench' };
  const before = federationOver(sources, MODES[1]!.fusion);
  const after = federationOver(sources, MODES[0]!.fusion);
  const timed = async (service: typeof before, query: string) => {
    const started = performance.now();
    await service.search({ query, limit: 10 }, anyone, AbortSignal.timeout(120_000));
    return performance.now() - started;
  };
  const cold = { before: [] as number[], after: [] as number[] };
  const warm = { before: [] as number[], after: [] as number[] };
  for (let round = 0; round <= rounds; round += 1) {
    const into = round === 0 ? cold : warm;
    for (const [index, query] of queries.entries()) {
      if ((index + round) % 2 === 0) {
        into.before.push(await timed(before, query));
        into.after.push(await timed(after, query));
      } else {
        into.after.push(await timed(after, query));
        into.before.push(await timed(before, query));
      }
    }
  }
  const at = (samples: readonly number[], p: number) =>
    percentile(
      [...samples].sort((a, b) => a - b),
      p,
    );
  const rows = (mode: string, samples: number[], base: number[] | null): LatencyRow => ({
    sources: label,
    mode,
    searches: samples.length,
    p50Ms: at(samples, 50),
    p99Ms: at(samples, 99),
    p50Ratio: base ? at(samples, 50) / at(base, 50) : null,
    p99Ratio: base ? at(samples, 99) / at(base, 99) : null,
  });
  return [
    rows('before: score ÷ mean of top 10, first round', cold.before, null),
    rows('after: global, words not yet remembered', cold.after, cold.before),
    rows(`before: score ÷ mean of top 10, rounds 1–${rounds}`, warm.before, null),
    rows('after: global, statistics remembered', warm.after, warm.before),
  ];
}

export async function compareCases(options: {
  databaseUrl: string;
  scifactDir?: string | undefined;
  log: (line: string) => void;
  /** Only the cases whose label contains one of these (all when empty); `latency` selects the latency measure. */
  only?: readonly string[];
  /** Postgres schema of the bench sources (default bench_federation). */
  schema?: string;
  /** The first N training queries only (all when absent). */
  queries?: number;
  /** Queries and warm rounds of the latency measure (default 150 and 3; the wiki gets a third of the queries). */
  latencyQueries?: number;
  latencyRounds?: number;
  /** The wiki source's `rerank_candidates` (default: the connector's, 50). */
  wikiCandidates?: number;
}): Promise<CaseResult | { skipped: string }> {
  const SCHEMA = options.schema ?? 'bench_federation';
  const only = options.only ?? [];
  const wanted = (label: string) => only.length === 0 || only.some((part) => label.includes(part));
  const unreachable = await reachable(options.databaseUrl);
  if (unreachable) return { skipped: unreachable };
  const all = loadSciFact(options.scifactDir);
  const data: SciFact = options.queries === undefined ? all : { ...all, queries: all.queries.slice(0, options.queries) };
  const cleanup: Array<() => Promise<void>> = [];
  const connectors: Connector[] = [];
  // BENCH_FEDERATION_KEEP=1 keeps the ingested sources for the next run (reruns skip the ingest).
  const keep = process.env.BENCH_FEDERATION_KEEP === '1';
  if (!keep) await dropSchema(options.databaseUrl, SCHEMA);
  const startPg = async (name: string, docs: readonly CorpusDoc[]) => {
    const connector = await startPostgresSource({ name, url: options.databaseUrl, schema: SCHEMA, timeout_ms: 30_000 }, tmpdir());
    connectors.push(connector);
    if (keep && (await connector.health(AbortSignal.timeout(300_000))).documentCount === docs.length) return connector;
    const at = performance.now();
    async function* each() {
      yield* docs;
    }
    await connector.ingest!(each(), { signal: AbortSignal.timeout(900_000) });
    options.log(`postgres ${name}: ${docs.length} documents in ${((performance.now() - at) / 1000).toFixed(1)} s`);
    return connector;
  };
  try {
    const whole = await startPg('whole', data.corpus);
    const random = splitCorpus(data.corpus, SPLITS[0]!.shares);
    const pgParts = [await startPg('part1', random[0]!), await startPg('part2', random[1]!), await startPg('part3', random[2]!)];
    const mdPart3 = await startMarkdown('md3', random[2]!, cleanup);
    const topics: CorpusDoc[][] = [[], [], []];
    for (const doc of data.corpus) topics[topicOf(doc)]!.push(doc);
    options.log(`topics: oncology ${topics[0]!.length}, infection ${topics[1]!.length}, rest ${topics[2]!.length}`);
    const topicOnc = await startPg('oncology', topics[0]!);
    const topicInf = await startPg('infection', topics[1]!);
    const topicRest = await startMarkdown('rest', topics[2]!, cleanup);
    const handbookDocs = readFileSync(HANDBOOK, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { _id: string; title: string; text: string })
      .map((doc) => ({ id: doc._id, title: doc.title, text: doc.text }));
    const handbook = await startMarkdown('handbook', handbookDocs, cleanup);
    // Every 3rd document from the first is the bench wiki's; the others go to Postgres and markdown.
    const modulo: CorpusDoc[][] = [[], [], []];
    for (const [index, doc] of data.corpus.entries()) modulo[index % 3]!.push(doc);
    const wiki = await startMediaWiki(modulo[0]!, cleanup, options.wikiCandidates);

    // One BenchSource per connector: its memo is keyed by the statistics, so modes never share answers wrongly.
    const [bWhole, b1, b2, b3, bOnc, bInf] = [whole, ...pgParts, topicOnc, topicInf].map((connector) => new BenchSource(connector));
    const cases: Array<{ label: string; sources: Connector[] }> = [
      { label: 'random thirds: 3 × postgres', sources: [b1!, b2!, b3!] },
      { label: 'random thirds: 2 × postgres + markdown', sources: [b1!, b2!, mdPart3] },
      { label: 'by topic: postgres (oncology) + postgres (infection) + markdown (rest)', sources: [bOnc!, bInf!, topicRest] },
      { label: 'distractor: whole postgres + handbook (markdown)', sources: [bWhole!, handbook] },
      { label: 'distractor: 3 × postgres + handbook (markdown)', sources: [b1!, b2!, b3!, handbook] },
    ];
    const notRun: string[] = [];
    let wikiCase: BenchSource[] | null = null;
    if (typeof wiki === 'string') notRun.push(`postgres + markdown + mediawiki: ${wiki}`);
    else {
      const pgSecond = await startPg('mod1', modulo[1]!);
      const mdThird = await startMarkdown('mod2', modulo[2]!, cleanup);
      wikiCase = [new BenchSource(pgSecond), mdThird, wiki];
      cases.push({ label: 'thirds: postgres + markdown + mediawiki', sources: wikiCase });
    }

    const selected = cases.filter((entry) => wanted(entry.label));
    const baseline = await evaluate(federationOver([bWhole!], MODES[2]!.fusion), data, CONCURRENCY);
    const baseNdcg = mean(baseline.ndcg10);
    const row = (split: string, method: string, result: PerQuery, vs: [number, number] | null): CaseRow => ({
      split,
      method,
      ndcg10: mean(result.ndcg10),
      recall100: mean(result.recall100),
      ofWhole: mean(result.ndcg10) / baseNdcg,
      vsRrf60: vs,
      recall100Delta: mean(result.recall100) - mean(baseline.recall100),
    });
    const rows: CaseRow[] = [row('whole corpus', 'postgres BM25, one source (baseline)', baseline, null)];
    options.log(`baseline: nDCG@10 ${mean(baseline.ndcg10).toFixed(4)}`);
    for (const entry of selected) {
      const results: PerQuery[] = [];
      for (const mode of MODES) {
        const at = performance.now();
        const result = await evaluate(federationOver(entry.sources, mode.fusion), data, CONCURRENCY);
        results.push(result);
        options.log(
          `${entry.label} · ${mode.label}: nDCG@10 ${mean(result.ndcg10).toFixed(4)} (${((mean(result.ndcg10) / mean(baseline.ndcg10)) * 100).toFixed(1)} %), ${((performance.now() - at) / 1000).toFixed(1)} s`,
        );
      }
      const rrf = results[2]!;
      for (const [index, result] of results.entries()) {
        rows.push(row(entry.label, MODES[index]!.label, result, index === 2 ? null : pairedInterval(result.ndcg10, rrf.ndcg10)));
      }
    }
    const latency: LatencyRow[] = [];
    if (wanted('latency')) {
      const count = options.latencyQueries ?? 150;
      const rounds = options.latencyRounds ?? 3;
      const texts = data.queries.map((query) => query.text);
      const inner = (sources: readonly BenchSource[]) => sources.map((source) => source.inner);
      const measures: Array<[string, Connector[], number]> = [
        ['3 × postgres (random thirds)', pgParts, count],
        ['2 × postgres + markdown (random thirds)', [pgParts[0]!, pgParts[1]!, mdPart3.inner], count],
      ];
      if (wikiCase !== null) measures.push(['postgres + markdown + mediawiki (thirds)', inner(wikiCase), Math.ceil(count / 3)]);
      for (const [label, sources, queries] of measures) {
        const at = performance.now();
        latency.push(...(await measureLatency(label, sources, texts.slice(0, queries), rounds)));
        options.log(`latency ${label}: ${((performance.now() - at) / 1000).toFixed(1)} s`);
      }
    }
    return { queries: data.queries.length, rows, notRun, latency };
  } finally {
    await Promise.allSettled(connectors.map((connector) => connector.close()));
    await Promise.allSettled(cleanup.map((step) => step()));
    if (!keep) await dropSchema(options.databaseUrl, SCHEMA);
  }
}
