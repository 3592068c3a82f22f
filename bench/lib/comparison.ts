// Our server against the bare node:http ceiling over alternating rounds: the shared figures,
// how they are reduced (medians, robust to background load) and the table they print as.
import { printTable, type LoadFigures } from './load.js';
import type { SequentialFigures } from './sequential.js';

export interface Comparison {
  rounds: Array<{ bare: LoadFigures; ours: LoadFigures; ratio: number }>;
  medianRatio: number;
  bare: { c64: LoadFigures; c1: SequentialFigures };
  ours: { c64: LoadFigures; c1: SequentialFigures };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The round with the median throughput, so its latencies belong to one real run. */
export function medianRound(figures: LoadFigures[]): LoadFigures {
  return [...figures].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(figures.length / 2)] as LoadFigures;
}

export function printComparison(title: string, comparison: Comparison): void {
  const row = (name: string, figures: { c64: LoadFigures; c1: SequentialFigures }, ratio: string) => [
    name,
    figures.c64.requestsPerSecond,
    figures.c64.p50Ms,
    figures.c64.p99Ms,
    figures.c1.p50Ms.toFixed(3),
    figures.c64.errors + figures.c64.non2xx,
    ratio,
  ];
  printTable(
    title,
    ['server', 'req/s', 'p50 ms', 'p99 ms', 'p50 ms @1 conn', 'errors', 'ratio'],
    [row('bare node:http (ceiling)', comparison.bare, '1.00×'), row('knowledge-mcp', comparison.ours, `${comparison.medianRatio.toFixed(2)}×`)],
  );
  process.stdout.write(`per-round ratios: ${comparison.rounds.map((r) => r.ratio.toFixed(2)).join(', ')}\n`);
}
