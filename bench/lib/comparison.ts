// Our server against the bare node:http ceiling over alternating rounds: how the rounds run, the
// shared figures, how they are reduced (medians, robust to background load) and the table they
// print as.
import { printTable, runLoad, type LoadFigures } from './load.js';
import type { ChildServer } from './processes.js';
import { processCpuMicros } from './process-cpu.js';
import { measureSequential, type SequentialFigures } from './sequential.js';

/** One load round, with the server's CPU time per request (null where /proc cannot tell). */
export interface RoundFigures extends LoadFigures {
  cpuMicrosPerRequest: number | null;
}

export interface Comparison {
  rounds: Array<{ bare: RoundFigures; ours: RoundFigures; ratio: number }>;
  medianRatio: number;
  bare: { c64: LoadFigures; c1: SequentialFigures; cpuMicrosPerRequest: number | null };
  ours: { c64: LoadFigures; c1: SequentialFigures; cpuMicrosPerRequest: number | null };
}

/** Below this share of its core, the bare server was not what limited its own throughput. */
const UNSATURATED_CEILING = 0.85;

export interface CompareSettings {
  rounds: number;
  seconds: number;
  connections: number;
  /**
   * Load on each server before the rounds. A fresh knowledge-mcp reaches its steady rate only
   * after ~4–5 s of load (the JIT's later tiers): 1 s slices of a cached search from a fresh
   * start ran at 14.8k, 24.8k, 29.9k, then 30–33k req/s. With 1 s of warm-up, the first rounds
   * measured that climb, not the server users run for hours.
   */
  warmupSeconds: number;
}

async function loadRound(server: ChildServer, options: Parameters<typeof runLoad>[0]): Promise<RoundFigures> {
  const before = processCpuMicros(server.pid);
  const figures = await runLoad(options);
  const after = processCpuMicros(server.pid);
  const cpuMicrosPerRequest = before === null || after === null || figures.requests === 0 ? null : (after - before) / figures.requests;
  return { ...figures, cpuMicrosPerRequest };
}

function medianCpu(rounds: RoundFigures[]): number | null {
  const known = rounds.map((round) => round.cpuMicrosPerRequest).filter((value): value is number => value !== null);
  return known.length === 0 ? null : median(known);
}

/** Alternating rounds against two running servers with the same request, so background load hits both alike. */
export async function compareServers(
  bare: ChildServer,
  ours: ChildServer,
  request: { body: string; headers?: Record<string, string>; path?: string },
  settings: CompareSettings,
): Promise<Comparison> {
  const headers = { 'content-type': 'application/json', ...request.headers };
  const target = (server: ChildServer) => `${server.url}${request.path ?? '/mcp'}`;
  const round = (server: ChildServer, durationSeconds: number) =>
    loadRound(server, { url: target(server), connections: settings.connections, durationSeconds, headers, body: request.body });
  for (const server of [bare, ours]) await round(server, settings.warmupSeconds);
  const results: Comparison['rounds'] = [];
  for (let index = 0; index < settings.rounds; index += 1) {
    const bareRound = await round(bare, settings.seconds);
    const oursRound = await round(ours, settings.seconds);
    results.push({ bare: bareRound, ours: oursRound, ratio: oursRound.requestsPerSecond / bareRound.requestsPerSecond });
  }
  const bareC1 = await measureSequential(target(bare), { body: request.body, headers: request.headers, requests: 3000 });
  const oursC1 = await measureSequential(target(ours), { body: request.body, headers: request.headers, requests: 3000 });
  return {
    rounds: results,
    medianRatio: median(results.map((r) => r.ratio)),
    bare: { c64: medianRound(results.map((r) => r.bare)), c1: bareC1, cpuMicrosPerRequest: medianCpu(results.map((r) => r.bare)) },
    ours: { c64: medianRound(results.map((r) => r.ours)), c1: oursC1, cpuMicrosPerRequest: medianCpu(results.map((r) => r.ours)) },
  };
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
  const bareCpu = comparison.bare.cpuMicrosPerRequest;
  const oursCpu = comparison.ours.cpuMicrosPerRequest;
  if (bareCpu !== null && oursCpu !== null) {
    process.stdout.write(
      `CPU per request (whole process, user + kernel, median of rounds): bare ${bareCpu.toFixed(1)} µs, knowledge-mcp ${oursCpu.toFixed(1)} µs (${(bareCpu / oursCpu).toFixed(2)}×)\n`,
    );
    // A ceiling only counts when the bare server was the bottleneck, not the load generator.
    const bareBusy = (bareCpu * comparison.bare.c64.requestsPerSecond) / 1e6;
    if (bareBusy < UNSATURATED_CEILING) {
      process.stdout.write(
        `warning: the bare server used only ${Math.round(bareBusy * 100)} % of its core: the load generator set the ceiling, so the req/s ratio flatters knowledge-mcp; trust the CPU ratio\n`,
      );
    }
  }
}
