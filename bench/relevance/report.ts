// Prints relevance rows as a table beside BEIR's BM25 figure and writes them as JSON under
// bench/results/. Other benchmarks (federation) append their own rows through the same shape.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** BEIR paper, Table 2: BM25 on SciFact (test split). */
export const BEIR_BM25_SCIFACT_NDCG10 = 0.665;

export interface RelevanceRow {
  /** e.g. "postgres (pg) · BM25". */
  name: string;
  ndcg10: number | null;
  recall100: number | null;
  queries: number | null;
  p50Ms?: number | null;
  ingestMs?: number | null;
  note?: string;
}

export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

function cell(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

export function formatRelevanceTable(rows: readonly RelevanceRow[]): string {
  const all: RelevanceRow[] = [
    { name: 'BEIR BM25 (paper, test split)', ndcg10: BEIR_BM25_SCIFACT_NDCG10, recall100: null, queries: 300, note: 'reference' },
    ...rows,
  ];
  const header = ['source', 'nDCG@10', 'Recall@100', 'queries', 'p50 ms (top 100)', 'ingest s', 'note'];
  const lines = all.map((row) => [
    row.name,
    cell(row.ndcg10, 3),
    cell(row.recall100, 3),
    row.queries === null ? '–' : String(row.queries),
    cell(row.p50Ms, 1),
    row.ingestMs === null || row.ingestMs === undefined ? '–' : (row.ingestMs / 1000).toFixed(1),
    row.note ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]) => `| ${cells.map((value, column) => value.padEnd(widths[column]!)).join(' | ')} |`;
  return [render(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.map(render)].join('\n');
}

/** Writes bench/results/<name>.json and returns its path. */
export async function writeResults(name: string, payload: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}
