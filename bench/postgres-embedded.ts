// Start time and memory of the embedded default: a PGlite source seeded with the demo handbook,
// measured in fresh processes on first start (initdb + migrate + seed) and on a restart.
// Usage: tsx bench/postgres-embedded.ts
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startPostgresSource } from './relevance/postgres-rows.js';
import { writeResults } from './relevance/report.js';

const here = fileURLToPath(import.meta.url);
const HANDBOOK = path.resolve(path.dirname(here), '../demo/handbook/handbook.jsonl');
const { values } = parseArgs({ options: { child: { type: 'string' } } });

interface Sample {
  startMs: number;
  rssMb: number;
  documents: number | null;
  firstQueryMs: number;
}

if (values.child) {
  // One measurement in this fresh process.
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
  const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-embedded-'));
  const run = async (): Promise<Sample> => {
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, '--expose-gc', here, '--child', dir], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Sample;
  };
  try {
    const first = await run();
    const again = await run();
    const rows = [
      { start: 'first (initdb + migrate + seed)', ...first },
      { start: 'restart', ...again },
    ];
    process.stdout.write('| start | ms | RSS MB | documents | first query ms |\n|---|---|---|---|---|\n');
    for (const row of rows)
      process.stdout.write(`| ${row.start} | ${row.startMs.toFixed(0)} | ${row.rssMb.toFixed(0)} | ${row.documents} | ${row.firstQueryMs.toFixed(1)} |\n`);
    process.stderr.write(`written ${await writeResults('postgres-embedded', { measured_at: new Date().toISOString(), rows })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
