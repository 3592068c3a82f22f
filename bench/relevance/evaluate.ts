// Runs every judged query through a ranker and averages nDCG@10 and Recall@100; also times
// each call so the same run gives latency figures.
import { ndcgAt, percentile, recallAt } from './metrics.js';
import type { BenchQuery, Qrels } from './scifact.js';

/** Ranked document ids (best first) for one query; at most `limit`. */
export type Ranker = (query: string, limit: number) => Promise<string[]>;

export interface RankerScore {
  ndcg10: number;
  recall100: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
}

export async function evaluateRanker(ranker: Ranker, queries: readonly BenchQuery[], qrels: Qrels, limit = 100): Promise<RankerScore> {
  let ndcg = 0;
  let recall = 0;
  let judgedQueries = 0;
  const times: number[] = [];
  for (const query of queries) {
    const judged = qrels.get(query.id);
    if (!judged) continue;
    const started = performance.now();
    const ranked = await ranker(query.text, limit);
    times.push(performance.now() - started);
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
    judgedQueries += 1;
  }
  times.sort((a, b) => a - b);
  return {
    ndcg10: judgedQueries ? ndcg / judgedQueries : 0,
    recall100: judgedQueries ? recall / judgedQueries : 0,
    queries: judgedQueries,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
  };
}
