// Memory of the server under load, judged from outside: RSS from /proc, sampled through the
// run, and the live heap after each full collection (from --trace-gc, see server.ts). Heap in
// use saws up and down with garbage; what survives a Mark-Compact is what the process keeps.
// Bounded structures (caches, PGlite's WebAssembly memory) fill during the first part of a run,
// so flatness is judged between the middle and the last third, and RSS before/after is shown.
import { rssMiB } from '../lib/processes.js';
import type { FullGc } from './server.js';

export interface RssSample {
  /** performance.now() of this process. */
  at: number;
  rssMiB: number | null;
}

export function startRssSampler(pid: number, everySeconds: number, onSample?: (sample: RssSample) => void): { samples: RssSample[]; stop(): Promise<void> } {
  const samples: RssSample[] = [];
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (running) {
      const sample = { at: performance.now(), rssMiB: await rssMiB(pid) };
      samples.push(sample);
      onSample?.(sample);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everySeconds * 1000);
      });
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}

export interface MemoryReport {
  rssBeforeMiB: number | null;
  rssAfterMiB: number | null;
  rssPeakMiB: number | null;
  /** Highest RSS in the middle and in the last third of the run. */
  rssMiddleMiB: number | null;
  rssLateMiB: number | null;
  fullGcs: number;
  /** Lowest live heap after a full GC in the middle and in the last third of the run. */
  liveMiddleMiB: number | null;
  liveLateMiB: number | null;
  /** Least-squares slopes over the second half of the run, MiB per minute. */
  liveSlopeMiBPerMin: number | null;
  rssSlopeMiBPerMin: number | null;
  /** The live heap after each full GC, seconds from the start of the run. */
  liveSeries: Array<[number, number]>;
}

function slope(points: Array<{ x: number; y: number }>): number | null {
  if (points.length < 3) return null;
  const meanX = points.reduce((a, p) => a + p.x, 0) / points.length;
  const meanY = points.reduce((a, p) => a + p.y, 0) / points.length;
  const den = points.reduce((a, p) => a + (p.x - meanX) ** 2, 0);
  return den === 0 ? null : points.reduce((a, p) => a + (p.x - meanX) * (p.y - meanY), 0) / den;
}

const extreme = (values: number[], pick: (...v: number[]) => number): number | null => (values.length === 0 ? null : pick(...values));

export function reportMemory(
  rss: { before: number | null; after: number | null; samples: RssSample[] },
  gcs: FullGc[],
  window: { from: number; to: number },
): MemoryReport {
  const span = window.to - window.from;
  const third = (at: number): 0 | 1 | 2 => (at < window.from + span / 3 ? 0 : at < window.from + (2 * span) / 3 ? 1 : 2);
  const inRun = gcs.filter((gc) => gc.at >= window.from && gc.at <= window.to);
  const samples = rss.samples.filter((s): s is RssSample & { rssMiB: number } => s.rssMiB !== null && s.at >= window.from && s.at <= window.to);
  const minutes = (at: number) => (at - window.from) / 60_000;
  const secondHalf = (at: number) => at > window.from + span / 2;
  return {
    rssBeforeMiB: rss.before,
    rssAfterMiB: rss.after,
    rssPeakMiB: extreme([...samples.map((s) => s.rssMiB), ...(rss.after === null ? [] : [rss.after])], Math.max),
    rssMiddleMiB: extreme(
      samples.filter((s) => third(s.at) === 1).map((s) => s.rssMiB),
      Math.max,
    ),
    rssLateMiB: extreme(
      samples.filter((s) => third(s.at) === 2).map((s) => s.rssMiB),
      Math.max,
    ),
    fullGcs: inRun.length,
    liveMiddleMiB: extreme(
      inRun.filter((gc) => third(gc.at) === 1).map((gc) => gc.liveMiB),
      Math.min,
    ),
    liveLateMiB: extreme(
      inRun.filter((gc) => third(gc.at) === 2).map((gc) => gc.liveMiB),
      Math.min,
    ),
    liveSlopeMiBPerMin: slope(inRun.filter((gc) => secondHalf(gc.at)).map((gc) => ({ x: minutes(gc.at), y: gc.liveMiB }))),
    rssSlopeMiBPerMin: slope(samples.filter((s) => secondHalf(s.at)).map((s) => ({ x: minutes(s.at), y: s.rssMiB }))),
    liveSeries: inRun.map((gc) => [Math.round((gc.at - window.from) / 100) / 10, gc.liveMiB]),
  };
}
