// Loads the BEIR SciFact corpus, training queries and judgements (../shared/bench/scifact),
// and splits a corpus into parts for the federation benchmark.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestDocument } from '../../connectors/contract/types.js';
import { readBeirJsonl } from '../../src/ingest/beir-jsonl.js';

/** The repository checkout's sibling `shared/bench/scifact`. */
export const DEFAULT_SCIFACT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/bench/scifact');

export interface BenchQuery {
  id: string;
  text: string;
}

/** query id → (document id → graded relevance). */
export type Qrels = Map<string, Map<string, number>>;

export interface Scifact {
  corpus: IngestDocument[];
  queries: BenchQuery[];
  qrels: Qrels;
}

export async function loadCorpus(dir = DEFAULT_SCIFACT_DIR, signal = new AbortController().signal): Promise<IngestDocument[]> {
  const file = path.join(dir, 'corpus.jsonl');
  const docs: IngestDocument[] = [];
  for await (const doc of readBeirJsonl(createReadStream(file), file, { signal })) docs.push(doc);
  return docs;
}

export async function loadQueries(dir = DEFAULT_SCIFACT_DIR, split = 'train'): Promise<BenchQuery[]> {
  const text = await readFile(path.join(dir, `queries-${split}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { _id: string | number; text: string };
      return { id: String(row._id), text: row.text };
    });
}

export async function loadQrels(dir = DEFAULT_SCIFACT_DIR, split = 'train'): Promise<Qrels> {
  const text = await readFile(path.join(dir, `qrels-${split}.tsv`), 'utf8');
  const qrels: Qrels = new Map();
  for (const [index, line] of text.split('\n').entries()) {
    if (index === 0 || line.trim() === '') continue; // header
    const [queryId, docId, score] = line.split('\t');
    if (!queryId || !docId) continue;
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    judged.set(docId, Number(score ?? 1));
    qrels.set(queryId, judged);
  }
  return qrels;
}

/** Corpus, the queries that have judgements, and the judgements. */
export async function loadScifact(dir = DEFAULT_SCIFACT_DIR): Promise<Scifact> {
  const [corpus, queries, qrels] = await Promise.all([loadCorpus(dir), loadQueries(dir), loadQrels(dir)]);
  return { corpus, queries: queries.filter((query) => qrels.has(query.id)), qrels };
}

/** Deals documents round-robin into `parts` parts: equal sizes, deterministic. */
export function splitCorpus<T>(docs: readonly T[], parts: number): T[][] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError('parts must be a positive integer');
  const out: T[][] = Array.from({ length: parts }, () => []);
  docs.forEach((doc, index) => {
    out[index % parts]?.push(doc);
  });
  return out;
}
