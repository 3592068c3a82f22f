// The compose flow without Docker, on this machine's Postgres: deploy/seed.sh migrates and loads the
// demo handbook into a Postgres source, the image CMD serves it next to the markdown runbooks, and
// deploy/smoke.mjs finds hits in both — what `docker compose up` does minus Elasticsearch/MediaWiki.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFacts } from '../../../scripts/deploy-lint/dockerfile-facts.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';
import { freePort } from '../../helpers/free-port.js';

const ADMIN_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = 'kmcp_deploy_seed';
const API_KEY = 'deploy-seed-key-0123456789';
const HANDBOOK = path.join(REPO_ROOT, 'demo/handbook/handbook.jsonl');
const facts = readImageFacts(readRepoFile('Dockerfile'));

async function registeredKinds(): Promise<Set<string>> {
  const registry = path.join(REPO_ROOT, 'dist/connectors/registry.js');
  if (!existsSync(registry)) return new Set();
  const module = (await import(registry)) as { CONNECTOR_FACTORIES: Array<{ kind: string }> };
  return new Set(module.CONNECTOR_FACTORIES.map((factory) => factory.kind));
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const missing: string[] = [];
if (!existsSync(path.join(REPO_ROOT, 'dist/src/cli.js'))) missing.push('dist/ (run npm run build)');
else if (!(await registeredKinds()).has('postgres')) missing.push('the postgres kind in dist/connectors/registry.js');
if (!existsSync(HANDBOOK)) missing.push('demo/handbook/handbook.jsonl');
if (missing.length === 0 && !(await postgresReachable())) missing.push(`a Postgres server at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}`);
const title = missing.length === 0 ? 'seed.sh, then the image CMD, then smoke.mjs' : `seed flow skipped: needs ${missing.join(', ')}`;

describe.skipIf(missing.length > 0)(title, () => {
  let dir = '';
  let env: Record<string, string> = {};
  let server: ChildProcess | null = null;
  let port = 0;
  let output = '';

  beforeAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE ${DATABASE}`);
    dir = mkdtempSync(path.join(tmpdir(), 'kmcp-seed-'));
    const databaseUrl = new URL(ADMIN_URL);
    databaseUrl.pathname = `/${DATABASE}`;
    writeFileSync(
      path.join(dir, 'knowledge-mcp.config.json'),
      JSON.stringify({
        sources: [
          { name: 'handbook', kind: 'postgres', url_env: 'HANDBOOK_DATABASE_URL' },
          { name: 'runbooks', kind: 'markdown', dir: path.join(REPO_ROOT, 'demo/runbooks') },
        ],
      }),
    );
    port = await freePort();
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...facts.env,
      PORT: String(port),
      DATA_DIR: path.join(dir, 'data'),
      API_KEYS: `deploy:${API_KEY}`,
      KNOWLEDGE_MCP_CONFIG: path.join(dir, 'knowledge-mcp.config.json'),
      HANDBOOK_DATABASE_URL: databaseUrl.toString(),
      SEED_HANDBOOK_SOURCES: 'handbook',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
    await adminQuery(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).catch(() => undefined);
  });

  it('seeds the handbook, twice without harm (idempotent ingest)', () => {
    for (let run = 0; run < 2; run += 1) {
      const seed = spawnSync('sh', ['deploy/seed.sh'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
      expect(seed.stdout + seed.stderr).toContain('seed: done');
      expect(seed.status).toBe(0);
    }
  }, 240_000);

  it('serves both sources through the image CMD, and the smoke check finds hits in each', async () => {
    const [command, ...args] = facts.cmd ?? [];
    server = spawn(command as string, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const smoke = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('node', ['deploy/smoke.mjs'], {
        cwd: REPO_ROOT,
        env: { PATH: env.PATH, MCP_URL: `http://127.0.0.1:${port}/mcp`, SMOKE_API_KEY: API_KEY, SMOKE_SOURCES: 'handbook,runbooks', SMOKE_TIMEOUT_MS: '45000' },
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stdout }));
    });
    expect(smoke.stdout, output).toMatch(/handbook\s+ok [1-9]\d* hits/);
    expect(smoke.stdout).toMatch(/runbooks\s+ok [1-9]\d* hits/);
    expect(smoke.code).toBe(0);
  }, 90_000);
});
