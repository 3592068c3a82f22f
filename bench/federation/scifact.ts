// SciFact (BEIR layout) for the fusion comparison: corpus, training queries and judgements, and
// the metrics the project reports (nDCG@10 with linear gains and log2 discounts, Recall@100).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
}

export interface SciFact {
  corpus: CorpusDoc[];
  queries: Array<{ id: string; text: string }>;
  /** query id → relevant corpus ids */
  qrels: Map<string, Set<string>>;
}

export const DEFAULT_SCIFACT_DIR = path.resolve('../shared/bench/scifact');

function readJsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as T);
}

export function loadSciFact(dir: string = DEFAULT_SCIFACT_DIR): SciFact {
  const corpus = readJsonLines<{ _id: string; title: string; text: string }>(path.join(dir, 'corpus.jsonl')).map((doc) => ({
    id: doc._id,
    title: doc.title,
    text: doc.text,
  }));
  const qrels = new Map<string, Set<string>>();
  const lines = readFileSync(path.join(dir, 'qrels-train.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [queryId, docId, score] = line.split('\t');
    if (!queryId || !docId || Number(score) <= 0) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Set());
    qrels.get(queryId)!.add(docId);
  }
  const queries = readJsonLines<{ _id: string; text: string }>(path.join(dir, 'queries-train.jsonl'))
    .filter((query) => qrels.has(query._id))
    .map((query) => ({ id: query._id, text: query.text }));
  return { corpus, queries, qrels };
}

export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, index) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(index + 2);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(relevant.size, k); index += 1) ideal += 1 / Math.log2(index + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) found += 1;
  return found / relevant.size;
}
