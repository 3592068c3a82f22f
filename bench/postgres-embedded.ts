// npm run bench:embedded — the embedded default (PGlite) as a new user meets it.
// 1. The built server (`node dist/src/cli.js serve`, the demo config) on a fresh data directory:
//    time to /healthz and to /readyz (sources started, demo seeded), RSS then and after a search,
//    and on a restart — with the data directory template made by `npm run build` and, in the
//    same run, without it (initdb at first start, as before).
//    First starts vary by ±25 MB of RSS from one to the next, so the template's first start is
//    measured --starts times (3), alternately without and with MALLOC_MMAP_THRESHOLD_=131072 (what
//    the Docker image sets), each summarised by its median and range.
// 2. In-process: a PGlite source seeded with the demo handbook, first start and restart.
// Usage: npm run build && tsx bench/postgres-embedded.ts [--starts N]
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { median } from './lib/comparison.js';
import { freePort, rssMiB } from './lib/processes.js';
import { startPostgresSource } from './relevance/postgres-rows.js';
import { writeResults } from './relevance/report.js';
import { templateLocation } from '../connectors/postgres/pglite-template.js';

const here = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(here), '..');
const HANDBOOK = path.resolve(ROOT, 'demo/handbook/handbook.jsonl');
const { values } = parseArgs({ options: { child: { type: 'string' }, starts: { type: 'string', default: '3' } } });
const starts = Number(values.starts);
if (!Number.isInteger(starts) || starts < 1) throw new Error('--starts: expected a whole number of at least 1');
/** glibc: blocks of 128 KB and more in their own mappings, given back when freed (the Docker image's ENV). */
const MMAP_THRESHOLD_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

interface Sample {
  startMs: number;
  rssMb: number;
  documents: number | null;
  firstQueryMs: number;
}

interface ServerSample {
  healthyMs: number;
  readyMs: number;
  rssReadyMb: number | null;
  rssAfterSearchMb: number | null;
}

async function until(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One start of the built server on `dataDir`; stopped after measuring. */
async function serverStart(dataDir: string, extraEnv: Record<string, string> = {}): Promise<ServerSample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await until(`${base}/healthz`, Date.now() + 300_000);
    const healthyMs = performance.now() - started;
    await until(`${base}/readyz`, Date.now() + 300_000);
    const readyMs = performance.now() - started;
    const rssReadyMb = await rssMiB(child.pid!);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'search_documents', arguments: { query: 'parental leave', limit: 10 } },
    });
    await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body });
    return { healthyMs, readyMs, rssReadyMb, rssAfterSearchMb: await rssMiB(child.pid!) };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

if (values.child) {
  // One in-process measurement in this fresh process.
  const started = performance.now();
  const source = await startPostgresSource({ name: 'handbook', seed_file: HANDBOOK }, values.child);
  const startMs = performance.now() - started;
  const queryStarted = performance.now();
  await source.search({ query: 'parental leave', limit: 10, updatedAfter: null, signal: AbortSignal.timeout(30_000) });
  const firstQueryMs = performance.now() - queryStarted;
  const { documentCount } = await source.health(AbortSignal.timeout(10_000));
  global.gc?.();
  const sample: Sample = { startMs, rssMb: process.memoryUsage().rss / 2 ** 20, documents: documentCount, firstQueryMs };
  await source.close();
  process.stdout.write(JSON.stringify(sample));
} else {
  if (!existsSync(path.join(ROOT, 'dist/src/cli.js'))) throw new Error('run `npm run build` first');
  const template = templateLocation();
  const hasTemplate = existsSync(path.join(template, 'PG_VERSION'));
  const servers: Array<{ start: string } & ServerSample> = [];
  const record = (start: string, sample: ServerSample) => {
    servers.push({ start, ...sample });
    process.stderr.write(`${JSON.stringify(servers.at(-1))}\n`);
  };
  /** A first start on a fresh directory, then (with `restart`) a second start on it. */
  const measure = async (label: string, env: Record<string, string> = {}, restart = true) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-embedded-server-'));
    try {
      record(`${label}: first start`, await serverStart(dir, env));
      if (restart) record(`${label}: restart`, await serverStart(dir, env));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const TEMPLATE = 'with the build’s template';
  const TUNED = `${TEMPLATE}, MALLOC_MMAP_THRESHOLD_=131072`;
  if (hasTemplate) {
    for (let i = 0; i < starts; i += 1) {
      await measure(TEMPLATE, {}, i === 0);
      await measure(TUNED, MMAP_THRESHOLD_ENV, i === 0);
    }
  }
  // The same without the template (initdb at first start), moved aside for the run.
  const aside = `${template}.bench-aside`;
  if (hasTemplate) await rename(template, aside);
  try {
    await measure('without a template (initdb)');
  } finally {
    if (hasTemplate) await rename(aside, template);
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-embedded-'));
  const run = async (): Promise<Sample> => {
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, '--expose-gc', here, '--child', dir], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Sample;
  };
  try {
    const first = await run();
    const again = await run();
    const rows = [
      { start: 'first (template or initdb + migrate + seed)', ...first },
      { start: 'restart', ...again },
    ];
    const f = (value: number | null) => (value === null ? '–' : value.toFixed(0));
    process.stdout.write(
      'Built server, demo config, fresh data directory\n\n| start | healthy ms | ready ms | RSS ready MB | RSS after a search MB |\n|---|---|---|---|---|\n',
    );
    for (const s of servers) process.stdout.write(`| ${s.start} | ${f(s.healthyMs)} | ${f(s.readyMs)} | ${f(s.rssReadyMb)} | ${f(s.rssAfterSearchMb)} |\n`);
    const summary = (label: string) => {
      const firstStarts = servers.filter((s) => s.start === `${label}: first start`);
      const rss = firstStarts.map((s) => s.rssReadyMb).filter((value): value is number => value !== null);
      if (rss.length === 0) return null;
      const ready = firstStarts.map((s) => s.readyMs);
      return {
        label,
        starts: rss.length,
        rssReadyMedianMb: median(rss),
        rssReadyMinMb: Math.min(...rss),
        rssReadyMaxMb: Math.max(...rss),
        readyMedianMs: median(ready),
      };
    };
    const summaries = [summary(TEMPLATE), summary(TUNED)].filter((s) => s !== null);
    if (summaries.length > 0) {
      process.stdout.write(
        '\nFirst starts with the template (RSS at ready; the target is 300 MB)\n\n| | starts | ready ms, median | RSS MB, median | min–max |\n|---|---|---|---|---|\n',
      );
      for (const s of summaries)
        process.stdout.write(`| ${s.label} | ${s.starts} | ${f(s.readyMedianMs)} | ${f(s.rssReadyMedianMb)} | ${f(s.rssReadyMinMb)}–${f(s.rssReadyMaxMb)} |\n`);
    }
    process.stdout.write(
      '\nIn-process PGlite source seeded with the handbook\n\n| start | ms | RSS MB | documents | first query ms |\n|---|---|---|---|---|\n',
    );
    for (const row of rows)
      process.stdout.write(`| ${row.start} | ${row.startMs.toFixed(0)} | ${row.rssMb.toFixed(0)} | ${row.documents} | ${row.firstQueryMs.toFixed(1)} |\n`);
    process.stderr.write(
      `written ${await writeResults('postgres-embedded', { measured_at: new Date().toISOString(), servers, firstStarts: summaries, rows })}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
