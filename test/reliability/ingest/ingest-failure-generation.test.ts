// Issue 18 item 10: `knowledge-mcp ingest` that fails after some batches were committed says how
// many documents are in the source, and still bumps the source's cache generation in Redis, so
// running servers stop serving answers cached before those batches.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, dropSchema, PG_URL, postgresUnavailable, uniqueName } from '../helpers/postgres.js';

const REDIS_URL = process.env.REDIS_URL_TEST ?? null;
const pgUnavailable = await postgresUnavailable();
const skip = pgUnavailable ?? (REDIS_URL === null ? 'REDIS_URL_TEST is not set' : null);
if (skip) console.warn(`skipping ingest-failure generation test: ${skip}`);

const BATCH = 10;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(skip !== null)('ingest that fails after committed batches', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-ingest-generation-'));
  const schema = uniqueName('kmcp_reliability_ingest_gen');
  const source = uniqueName('gen');
  const admin = adminClient();
  const redis = new Redis(REDIS_URL ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const generationKey = `kmcp:gen:${source}`;
  let config = '';
  let input = '';

  beforeAll(async () => {
    await redis.connect();
    config = path.join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ sources: [{ name: source, kind: 'postgres', url: PG_URL, schema, ingest_batch_size: BATCH }] }));
    // 15 good lines, then a broken one: batch 1 (lines 1-10) commits, the reader fails at line 16.
    const lines = Array.from({ length: 15 }, (_, i) => JSON.stringify({ _id: `doc-${i + 1}`, title: `Doc ${i + 1}`, text: `runbook step ${i + 1}` }));
    input = path.join(dir, 'docs.jsonl');
    writeFileSync(input, `${[...lines, '{broken', ...lines].join('\n')}\n`);
  });
  afterAll(async () => {
    await redis.del(generationKey).catch(() => undefined);
    redis.disconnect();
    await dropSchema(admin, schema).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the committed count and bumps the generation', async () => {
    const before = Number((await redis.get(generationKey)) ?? 0);
    const run = await runCli(['ingest', '--config', config, '--source', source, input], { REDIS_URL: REDIS_URL ?? '', LOG_LEVEL: 'warn' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ingest failed after 10 of 15 documents read were committed: .*docs\.jsonl:16: not valid JSON/);
    const stored = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".documents WHERE source = $1`, [source]);
    expect(Number(stored.rows[0]?.n)).toBe(BATCH);
    // The committed batch reached the source, so running servers must see a new generation.
    expect(Number((await redis.get(generationKey)) ?? 0)).toBe(before + 1);
    expect(run.stdout).toContain(`cache generation of ${source} is now ${before + 1}`);
  }, 180_000); // a CLI child process: tsx start-up and migrations take long on a loaded machine
});
