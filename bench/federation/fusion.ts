// Fusion comparison on SciFact split across three BM25 sources (each with its own statistics):
// plain weighted RRF (k = 60) against other k and score-aware variants, through the real search
// pipeline, next to the same BM25 on the whole corpus (the baseline, measured in the same run).
import type { Connector, SearchRequest, SourceHit } from '../../connectors/contract/types.js';
import { createFederation } from '../../src/federation/federation.js';
import type { FusionSettings } from '../../src/federation/fuse.js';
import type { SearchService } from '../../src/federation/types.js';
import { Bm25Connector } from './bm25-connector.js';
import { loadSciFact, ndcgAt, recallAt, type CorpusDoc, type SciFact } from './scifact.js';

export interface FusionVariant {
  label: string;
  fusion: FusionSettings;
}

export const VARIANTS: FusionVariant[] = [
  { label: 'RRF k=60 (DESIGN)', fusion: { mode: 'rrf', rrfK: 60 } },
  { label: 'RRF k=10', fusion: { mode: 'rrf', rrfK: 10 } },
  { label: 'score: ÷ mean of top 10', fusion: { mode: 'score', rrfK: 60, normalization: 'mean', scoreWindow: 10 } },
  { label: 'score: ÷ mean of top 50', fusion: { mode: 'score', rrfK: 60, normalization: 'mean', scoreWindow: 50 } },
  { label: 'score: z-score of top 10', fusion: { mode: 'score', rrfK: 60, normalization: 'zscore', scoreWindow: 10 } },
  { label: 'score: min-max of top 10', fusion: { mode: 'score', rrfK: 60, normalization: 'minmax', scoreWindow: 10 } },
  { label: 'score: ÷ max', fusion: { mode: 'score', rrfK: 60, normalization: 'max', scoreWindow: 10 } },
];

/** Answers each query once at full depth and serves shallower requests from that: fusion runs cheaply. */
export class MemoConnector implements Connector {
  readonly kind: string;
  readonly description: string;
  readonly name: string;
  private readonly answers = new Map<string, Promise<SourceHit[]>>();
  constructor(
    private readonly inner: Connector,
    private readonly depth: number,
  ) {
    this.name = inner.name;
    this.kind = inner.kind;
    this.description = inner.description;
  }
  async search(request: SearchRequest): Promise<SourceHit[]> {
    let answer = this.answers.get(request.query);
    if (!answer) {
      answer = this.inner.search({ ...request, limit: this.depth });
      this.answers.set(request.query, answer);
    }
    return (await answer).slice(0, request.limit);
  }
  get = (id: string, signal: AbortSignal) => this.inner.get(id, signal);
  health = (signal: AbortSignal) => this.inner.health(signal);
  close = () => this.inner.close();
}

export interface SplitSpec {
  label: string;
  /** Share of the corpus per source. */
  shares: number[];
}

export const SPLITS: SplitSpec[] = [
  { label: 'even 3 × ⅓', shares: [1 / 3, 1 / 3, 1 / 3] },
  { label: 'uneven 60/30/10', shares: [0.6, 0.3, 0.1] },
];

/** Deterministic assignment by a hash of the id, so sources are not ordered slices of the file. */
export function splitCorpus(corpus: readonly CorpusDoc[], shares: readonly number[]): CorpusDoc[][] {
  const parts: CorpusDoc[][] = shares.map(() => []);
  for (const doc of corpus) {
    let hash = 2166136261;
    for (let index = 0; index < doc.id.length; index += 1) hash = Math.imul(hash ^ doc.id.charCodeAt(index), 16777619) >>> 0;
    let point = (hash % 100_000) / 100_000;
    let part = 0;
    while (part < shares.length - 1 && point >= shares[part]!) point -= shares[part++]!;
    parts[part]!.push(doc);
  }
  return parts;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const never = new AbortController().signal;
const anyone = { keyName: null, allowedSources: null, requestId: 'bench' };

export function federationOver(sources: Connector[], fusion: FusionSettings): SearchService {
  return createFederation({
    sources: sources.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 60_000, max_concurrency: 4 } })),
    settings: { cursorSecret: 'bench', fusion, deadlineMs: 60_000 },
    logger: silent,
  });
}

const stripPrefix = (id: string) => id.slice(id.indexOf(':') + 1);

export interface PerQuery {
  ndcg10: number[];
  recall100: number[];
}

/** `concurrency` queries in flight at once (answers are stored by query, so the order does not matter). */
export async function evaluate(service: SearchService, data: SciFact, concurrency = 1): Promise<PerQuery> {
  const ndcg10: number[] = new Array(data.queries.length).fill(0);
  const recall100: number[] = new Array(data.queries.length).fill(0);
  let next = 0;
  const worker = async () => {
    while (next < data.queries.length) {
      const index = next++;
      const query = data.queries[index]!;
      const relevant = data.qrels.get(query.id)!;
      // nDCG@10 as an agent sees it (limit 10: sources asked for 11); Recall@100 through two pages of 50.
      const top = await service.search({ query: query.text, limit: 10 }, anyone, never);
      ndcg10[index] = ndcgAt(
        top.results.map((result) => stripPrefix(result.id)),
        relevant,
        10,
      );
      const first = await service.search({ query: query.text, limit: 50 }, anyone, never);
      const ids = first.results.map((result) => stripPrefix(result.id));
      if (first.next_cursor) {
        const second = await service.search({ query: query.text, limit: 50, cursor: first.next_cursor }, anyone, never);
        ids.push(...second.results.map((result) => stripPrefix(result.id)));
      }
      recall100[index] = recallAt(ids, relevant, 100);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { ndcg10, recall100 };
}

/** Raw BM25 scores merged across sources: a reference only (scores of different engines do not compare). */
async function evaluateRawMerge(sources: Connector[], data: SciFact): Promise<PerQuery> {
  const ndcg10: number[] = [];
  const recall100: number[] = [];
  for (const query of data.queries) {
    const lists = await Promise.all(sources.map((source) => source.search({ query: query.text, limit: 100, updatedAfter: null, signal: never })));
    const merged = lists
      .flat()
      .sort((a, b) => b.score - a.score)
      .map((hit) => hit.nativeId);
    const relevant = data.qrels.get(query.id)!;
    ndcg10.push(ndcgAt(merged, relevant, 10));
    recall100.push(recallAt(merged, relevant, 100));
  }
  return { ndcg10, recall100 };
}

export const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** 95% paired bootstrap interval of mean(a − b), seeded so that reruns agree. */
export function pairedInterval(a: readonly number[], b: readonly number[], rounds = 2000): [number, number] {
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const diffs = a.map((value, index) => value - b[index]!);
  const means: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let sum = 0;
    for (let index = 0; index < diffs.length; index += 1) sum += diffs[Math.floor(random() * diffs.length)]!;
    means.push(sum / diffs.length);
  }
  means.sort((x, y) => x - y);
  return [means[Math.floor(0.025 * rounds)]!, means[Math.floor(0.975 * rounds)]!];
}

export interface FusionRow {
  split: string;
  method: string;
  ndcg10: number;
  recall100: number;
  /** nDCG@10 as a share of the whole-corpus baseline. */
  ofWhole: number;
  /** Paired 95% interval of nDCG@10 minus RRF k=60 on the same split. */
  vsRrf60: [number, number] | null;
}

export async function compareFusion(dir?: string): Promise<{ queries: number; documents: number; rows: FusionRow[] }> {
  const data = loadSciFact(dir);
  const depth = 101;
  const whole = new MemoConnector(new Bm25Connector('whole', data.corpus), depth);
  const baseline = await evaluate(federationOver([whole], VARIANTS[0]!.fusion), data);
  const baseNdcg = mean(baseline.ndcg10);
  const rows: FusionRow[] = [
    { split: 'whole corpus', method: 'BM25, one source (baseline)', ndcg10: baseNdcg, recall100: mean(baseline.recall100), ofWhole: 1, vsRrf60: null },
  ];
  for (const split of SPLITS) {
    const sources = splitCorpus(data.corpus, split.shares).map((docs, index) => new MemoConnector(new Bm25Connector(`part${index + 1}`, docs), depth));
    let reference: PerQuery | null = null;
    for (const variant of VARIANTS) {
      const result = await evaluate(federationOver(sources, variant.fusion), data);
      reference ??= result;
      rows.push({
        split: split.label,
        method: variant.label,
        ndcg10: mean(result.ndcg10),
        recall100: mean(result.recall100),
        ofWhole: mean(result.ndcg10) / baseNdcg,
        vsRrf60: result === reference ? null : pairedInterval(result.ndcg10, reference.ndcg10),
      });
    }
    const raw = await evaluateRawMerge(sources, data);
    rows.push({
      split: split.label,
      method: 'raw BM25 merge (reference only)',
      ndcg10: mean(raw.ndcg10),
      recall100: mean(raw.recall100),
      ofWhole: mean(raw.ndcg10) / baseNdcg,
      vsRrf60: pairedInterval(raw.ndcg10, reference!.ndcg10),
    });
  }
  return { queries: data.queries.length, documents: data.corpus.length, rows };
}
