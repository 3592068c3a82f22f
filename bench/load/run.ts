// npm run bench:load — the built server (demo sources) under a bounded mixed load: tools/list,
// cached and uncached searches, get_document, at 64 connections. Reports throughput, p50/p99/max
// latency, errors and memory growth, next to a bare node:http server answering fixed bytes (the
// ceiling) in the same run. PASS needs zero errors (no partial answers either) and flat memory.
// Options: --duration S (60; with --soak 1800) --connections N (64) --warmup S (60: fills the
//          caches and PGlite's memory to their steady state before memory is judged)
//          --ceiling-seconds S (15) --cache redis|memory (redis when redis-server is installed:
//          a private one, so that in-process memory reaches its steady state within a minute)
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { printTable } from '../lib/load.js';
import { percentile } from '../relevance/metrics.js';
import type { ChildServer } from '../lib/processes.js';
import { rssMiB } from '../lib/processes.js';
import { writeResults } from '../lib/results.js';
import { LOAD_CORE, pinLoadGenerator, SERVER_CORE, startBareServer } from '../lib/servers.js';
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from '../../test/helpers/redis-server.js';
import { reportMemory, startRssSampler, type MemoryReport } from './memory.js';
import { startTracedServer, summarizeLogs } from './server.js';
import { buildWorkload, discoverDocumentIds, type WorkloadCounters } from './workload.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '60' },
    'ceiling-seconds': { type: 'string' },
    cache: { type: 'string' },
    soak: { type: 'boolean', default: false },
  },
});
const soak = values.soak ?? false;
const duration = Number(values.duration ?? (soak ? 1800 : 60));
const connections = Number(values.connections);
const warmup = Number(values.warmup);
const ceilingSeconds = Number(values['ceiling-seconds'] ?? Math.min(15, duration));
const cacheKind = (values.cache ?? (redisServerAvailable() ? 'redis' : 'memory')) as 'redis' | 'memory';
for (const [name, value] of Object.entries({ duration, connections, warmup, ceilingSeconds })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number`);
}
if (cacheKind !== 'redis' && cacheKind !== 'memory') throw new Error('--cache: expected redis or memory');

/**
 * How far memory may move between the middle and the last third of the run and still count as
 * flat. With the in-memory cache a short run may still be filling its LRU (up to 64 MiB, each entry
 * counted as four times its JSON).
 */
const CACHE_ALLOWANCE_MIB = cacheKind === 'memory' ? 128 : 0;
const FLAT = { rssMiB: 16 + CACHE_ALLOWANCE_MIB, rssShare: 0.05, liveMiB: 6 + CACHE_ALLOWANCE_MIB, liveShare: 0.1, slopeMiBPerMin: 0.5 };

interface RunFigures {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  socketErrors: number;
  timeouts: number;
  non2xx: number;
}

async function load(server: ChildServer, seconds: number, requests: autocannon.Request[]): Promise<RunFigures> {
  const result = await autocannon({ url: server.url, connections, duration: seconds, timeout: 10, requests });
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

const fmt = (value: number | null, digits = 1) => (value === null ? 'n/a' : value.toFixed(digits));
const newCounters = (): WorkloadCounters => ({ rpcErrors: 0, partial: 0, byKind: {}, latencyMs: {} });

/** p50/p99/max per request kind: whether uncached searches, which queue at the embedded database, hold up the rest. */
function latencyByKind(counters: WorkloadCounters): Array<{ kind: string; answers: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  return Object.entries(counters.latencyMs).map(([kind, times]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { kind, answers: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? 0 };
  });
}

async function main(): Promise<void> {
  pinLoadGenerator();
  process.stdout.write(
    `bench:load — ${connections} connections for ${duration} s${soak ? ' (soak)' : ''} after a ${warmup} s warm-up; cache: ${cacheKind}; servers pinned to core ${SERVER_CORE}, load from autocannon on core ${LOAD_CORE}\n`,
  );
  let redis: PrivateRedis | null = null;
  let bare: ChildServer | null = null;
  let ours: Awaited<ReturnType<typeof startTracedServer>> | null = null;
  try {
    if (cacheKind === 'redis') redis = await startPrivateRedis();
    ours = await startTracedServer(redis ? { REDIS_URL: redis.url } : {});
    const ids = await discoverDocumentIds(ours.url);
    const toolsList = await (
      await fetch(`${ours.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}',
      })
    ).text();

    // The ceiling: the same connections and request bodies, answered with fixed bytes.
    bare = await startBareServer(toolsList);
    const ceiling = await load(bare, ceilingSeconds, buildWorkload(ids, newCounters()));
    await bare.stop();
    bare = null;

    await load(ours, warmup, buildWorkload(ids, newCounters()));
    const rssBefore = await rssMiB(ours.pid);
    const counters = newCounters();
    const started = performance.now();
    let lastProgress = started;
    const sampler = startRssSampler(ours.pid, soak ? 5 : 1, (sample) => {
      if (soak && sample.at - lastProgress > 60_000) {
        lastProgress = sample.at;
        const live = ours!.fullGcs.at(-1)?.liveMiB ?? null;
        process.stdout.write(
          `  ${Math.round((sample.at - started) / 1000)} s: RSS ${fmt(sample.rssMiB)} MiB, live heap ${fmt(live)} MiB, errors so far ${counters.rpcErrors + counters.partial}\n`,
        );
      }
    });
    const from = performance.now();
    const figures = await load(ours, duration, buildWorkload(ids, counters));
    const to = performance.now();
    await sampler.stop();
    const memory: MemoryReport = reportMemory({ before: rssBefore, after: await rssMiB(ours.pid), samples: sampler.samples }, ours.fullGcs, { from, to });

    const errors = figures.socketErrors + figures.timeouts + figures.non2xx + counters.rpcErrors + counters.partial;
    printTable(
      `mixed workload, ${connections} connections (${Object.entries(counters.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'ratio'],
      [
        [
          'bare node:http (ceiling)',
          ceiling.requestsPerSecond,
          ceiling.p50Ms,
          ceiling.p99Ms,
          ceiling.maxMs,
          ceiling.socketErrors + ceiling.timeouts + ceiling.non2xx,
          '1.00×',
        ],
        [
          'knowledge-mcp',
          figures.requestsPerSecond,
          figures.p50Ms,
          figures.p99Ms,
          figures.maxMs,
          errors,
          `${(figures.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2)}×`,
        ],
      ],
    );
    printTable(
      `memory of knowledge-mcp (${memory.fullGcs} full GCs during the run)`,
      ['', 'before', 'middle third', 'last third', 'after', 'peak'],
      [
        ['RSS MiB (highest)', fmt(memory.rssBeforeMiB), fmt(memory.rssMiddleMiB), fmt(memory.rssLateMiB), fmt(memory.rssAfterMiB), fmt(memory.rssPeakMiB)],
        ['live heap after full GC, MiB (lowest)', '', fmt(memory.liveMiddleMiB), fmt(memory.liveLateMiB), '', ''],
      ],
    );
    const logged = summarizeLogs(ours.logLines);
    if (logged.size > 0) process.stdout.write(`server log (warn and above): ${[...logged].map(([line, n]) => `${n}× ${line}`).join('; ')}\n`);
    process.stdout.write(
      `errors: ${figures.socketErrors} socket, ${figures.timeouts} timeouts, ${figures.non2xx} non-2xx, ${counters.rpcErrors} JSON-RPC/tool errors, ${counters.partial} partial answers (a source failed or timed out)\n`,
    );

    const growth = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
    const rssGrowth = growth(memory.rssMiddleMiB, memory.rssLateMiB);
    const liveGrowth = growth(memory.liveMiddleMiB, memory.liveLateMiB);
    const verdicts: Array<[boolean, string]> = [
      [errors === 0, `zero errors (${errors})`],
      [
        rssGrowth !== null && rssGrowth <= Math.max(FLAT.rssMiB, FLAT.rssShare * memory.rssMiddleMiB!),
        `flat RSS (middle → last third ${fmt(rssGrowth)} MiB; limit max(${FLAT.rssMiB} MiB, ${FLAT.rssShare * 100}%); before → after ${fmt(growth(memory.rssBeforeMiB, memory.rssAfterMiB))} MiB)`,
      ],
      [
        liveGrowth === null || liveGrowth <= Math.max(FLAT.liveMiB, FLAT.liveShare * memory.liveMiddleMiB!),
        `flat live heap (middle → last third ${liveGrowth === null ? 'n/a: too few full GCs' : `${fmt(liveGrowth)} MiB`}; limit max(${FLAT.liveMiB} MiB, ${FLAT.liveShare * 100}%))`,
      ],
    ];
    if (soak) {
      verdicts.push([
        memory.liveSlopeMiBPerMin === null || memory.liveSlopeMiBPerMin <= FLAT.slopeMiBPerMin,
        `no live-heap trend in the second half (${fmt(memory.liveSlopeMiBPerMin, 2)} MiB/min; limit ${FLAT.slopeMiBPerMin})`,
      ]);
      verdicts.push([
        memory.rssSlopeMiBPerMin === null || memory.rssSlopeMiBPerMin <= 2 * FLAT.slopeMiBPerMin,
        `no RSS trend in the second half (${fmt(memory.rssSlopeMiBPerMin, 2)} MiB/min; limit ${2 * FLAT.slopeMiBPerMin})`,
      ]);
    }
    if (cacheKind === 'memory')
      process.stdout.write(
        `note: in-memory cache; up to ${CACHE_ALLOWANCE_MIB} MiB of growth is its LRU filling to its bound (run with --cache redis or --soak for a sharper verdict)\n`,
      );
    const byKind = latencyByKind(counters);
    printTable(
      'latency by request kind (as the load generator saw it)',
      ['kind', 'answers', 'p50 ms', 'p99 ms', 'max ms'],
      byKind.map((row) => [row.kind, row.answers, fmt(row.p50Ms), fmt(row.p99Ms), fmt(row.maxMs)]),
    );
    for (const [ok, line] of verdicts) process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${line}\n`);
    const passed = verdicts.every(([ok]) => ok);
    const file = writeResults(soak ? 'load-soak' : 'load', {
      connections,
      durationSeconds: duration,
      warmupSeconds: warmup,
      cache: cacheKind,
      soak,
      ceiling,
      ours: figures,
      counters: { rpcErrors: counters.rpcErrors, partial: counters.partial, byKind: counters.byKind },
      latencyByKind: byKind,
      memory,
      serverLog: Object.fromEntries(logged),
      rssSamples: sampler.samples.map((s) => [Math.round((s.at - started) / 100) / 10, s.rssMiB]),
      passed,
    });
    process.stdout.write(`written ${file}\n`);
    if (!passed) process.exitCode = 1;
  } finally {
    await bare?.stop();
    await ours?.stop();
    await redis?.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:load failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
