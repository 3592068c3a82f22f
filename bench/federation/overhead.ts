// Cost of the federation layer itself: three in-process sources that answer at once, called
// through createFederation and through a naive Promise.all merge (the baseline, same run).
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { Connector, SearchRequest, SourceHit } from '../../connectors/contract/types.js';
import { createFederation } from '../../src/federation/federation.js';
import type { SearchService } from '../../src/federation/types.js';

/** Answers instantly from a fixed list, copying it as a real connector would build its answer. */
export class InstantConnector implements Connector {
  readonly kind = 'instant';
  readonly description = 'in-process source answering at once';
  private readonly hits: SourceHit[];
  constructor(readonly name: string) {
    this.hits = Array.from({ length: 50 }, (_, index) => ({
      nativeId: `${name}-${index + 1}`,
      title: `Document ${index + 1} of ${name}`,
      snippet: `… the **matched** words of document ${index + 1} …`,
      url: `https://docs.example.com/${name}/${index + 1}`,
      score: 20 - index * 0.3,
      updatedAt: '2025-01-01T00:00:00.000Z',
    }));
  }
  async search(request: SearchRequest): Promise<SourceHit[]> {
    request.signal.throwIfAborted();
    return this.hits.slice(0, request.limit).map((hit) => ({ ...hit }));
  }
  async get() {
    return null;
  }
  async health() {
    return { ok: true, documentCount: this.hits.length };
  }
  async close() {}
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const anyone = { keyName: null, allowedSources: null, requestId: 'bench' };

/** The least a fan-out must do: ask all, merge by score, cut the page. */
function naiveFanOut(connectors: Connector[]): (query: string, limit: number, signal: AbortSignal) => Promise<unknown> {
  return async (query, limit, signal) => {
    const lists = await Promise.all(connectors.map((connector) => connector.search({ query, limit, updatedAfter: null, signal })));
    return lists
      .flatMap((hits, index) => hits.map((hit) => ({ id: `${connectors[index]!.name}:${hit.nativeId}`, ...hit })))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  };
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export interface CallFigures {
  p50Us: number;
  p99Us: number;
  meanUs: number;
  /** CPU time (user + system) per call: unlike wall time, untouched by other processes' load. */
  cpuUs: number;
  /** Median bytes allocated per call (heap growth over batches between forced GCs). */
  allocatedBytesPerCall: number;
  /** Heap still held per call after 10 000 calls and a full GC (a leak shows here). */
  retainedBytesPerCall: number;
}

async function allocation(call: () => Promise<unknown>, gc: () => void): Promise<{ allocated: number; retained: number }> {
  const perBatch: number[] = [];
  const batch = 100;
  for (let round = 0; round < 40; round += 1) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let index = 0; index < batch; index += 1) await call();
    const grown = process.memoryUsage().heapUsed - before;
    // A scavenge inside the batch shows as no growth; such batches say nothing.
    if (grown > 0) perBatch.push(grown / batch);
  }
  perBatch.sort((a, b) => a - b);
  gc();
  const baseHeap = process.memoryUsage().heapUsed;
  for (let index = 0; index < 10_000; index += 1) await call();
  gc();
  return { allocated: percentile(perBatch, 0.5), retained: Math.max(0, process.memoryUsage().heapUsed - baseHeap) / 10_000 };
}

/**
 * Latency of two paths measured in alternating blocks, so that load from elsewhere on the
 * machine falls on both alike; then allocations of each.
 */
async function measurePair(
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  iterations: number,
  gc: () => void,
): Promise<[CallFigures, CallFigures]> {
  for (let index = 0; index < 2000; index += 1) {
    await first();
    await second();
  }
  const samples: [number[], number[]] = [[], []];
  const cpu = [0, 0];
  const block = 500;
  for (let done = 0; done < iterations; done += block) {
    for (const [which, call] of [first, second].entries()) {
      const cpuBefore = process.cpuUsage();
      for (let index = 0; index < block; index += 1) {
        const started = performance.now();
        await call();
        samples[which]!.push((performance.now() - started) * 1000);
      }
      const used = process.cpuUsage(cpuBefore);
      cpu[which]! += used.user + used.system;
    }
  }
  const figures: CallFigures[] = [];
  for (const [which, call] of [first, second].entries()) {
    const sorted = samples[which]!.sort((a, b) => a - b);
    const memory = await allocation(call, gc);
    figures.push({
      p50Us: percentile(sorted, 0.5),
      p99Us: percentile(sorted, 0.99),
      meanUs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
      cpuUs: cpu[which]! / sorted.length,
      allocatedBytesPerCall: memory.allocated,
      retainedBytesPerCall: memory.retained,
    });
  }
  return [figures[0]!, figures[1]!];
}

export interface OverheadFigures {
  iterations: number;
  limit: number;
  baseline: CallFigures;
  federation: CallFigures;
  overheadP50Us: number;
  overheadP99Us: number;
  overheadCpuUs: number;
}

export async function measureOverhead(iterations: number): Promise<OverheadFigures> {
  const gc = gcFunction();
  const connectors = ['alpha', 'beta', 'gamma'].map((name) => new InstantConnector(name));
  const service: SearchService = createFederation({
    sources: connectors.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 2000, max_concurrency: 16 } })),
    settings: { cursorSecret: 'bench-secret' },
    logger: silent,
  });
  const naive = naiveFanOut(connectors);
  const limit = 10;
  const [baseline, federation] = await measurePair(
    () => naive('how do I roll back a deploy', limit + 1, new AbortController().signal),
    () => service.search({ query: 'how do I roll back a deploy', limit }, anyone, new AbortController().signal),
    iterations,
    gc,
  );
  return {
    iterations,
    limit,
    baseline,
    federation,
    overheadP50Us: federation.p50Us - baseline.p50Us,
    overheadP99Us: federation.p99Us - baseline.p99Us,
    overheadCpuUs: federation.cpuUs - baseline.cpuUs,
  };
}
