// Runs the image's own CMD (read from the Dockerfile) against the built dist/, with the image's ENV
// (HOST=0.0.0.0) plus API_KEYS, the way a container would: /healthz, the HEALTHCHECK command, an
// authenticated tools/list, the compose smoke check, and a clean exit 0 on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { readImageFacts } from '../../../scripts/deploy-lint/dockerfile-facts.js';
import { parseFlyDurationMs } from '../../../scripts/deploy-lint/fly-rules.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';
import { freePort } from '../../helpers/free-port.js';

const CLI = path.join(REPO_ROOT, 'dist/src/cli.js');
const facts = readImageFacts(readRepoFile('Dockerfile'));
const killTimeoutMs = parseFlyDurationMs((parseToml(readRepoFile('fly.toml')) as { kill_timeout?: string }).kill_timeout) ?? 10_000;
const API_KEY = 'deploy-test-key-0123456789';
const missingBuild = !existsSync(CLI);

/** The container's environment: the image's ENV, then what `docker run -e` would add. Nothing else leaks in. */
function imageEnvironment(overrides: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...facts.env, ...overrides };
}

/** The image's WORKDIR is the repository layout (dist/, node_modules/, migrations/, demo/ side by side). */
function startImageCommand(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [command, ...args] = facts.cmd ?? [];
  if (!command) throw new Error('the Dockerfile has no exec-form CMD');
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealthy(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`no healthy /healthz on port ${port} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms))]);
}

function mcpCall(port: number, body: object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

const SKIP_NOTE = 'skipped: dist/src/cli.js is missing, run `npm run build` first';

describe.skipIf(missingBuild)(missingBuild ? `image start command ${SKIP_NOTE}` : 'the image start command against dist/', () => {
  let port = 0;
  let dataDir = '';
  let env: Record<string, string> = {};
  let server: ReturnType<typeof startImageCommand> | null = null;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-deploy-'));
    env = imageEnvironment({ PORT: String(port), DATA_DIR: dataDir, API_KEYS: `deploy:${API_KEY}`, LOG_LEVEL: 'warn' });
    server = startImageCommand(env);
    // The image's first start initialises embedded Postgres for the demo: slow on a loaded machine.
    await withTimeout(
      Promise.race([
        waitForHealthy(port, 90_000),
        server.exited.then((code) => {
          throw new Error(`server exited with ${code}: ${server?.output()}`);
        }),
      ]),
      95_000,
      'start-up',
    );
  }, 100_000);

  afterAll(() => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('binds every interface as the image says (HOST=0.0.0.0) and answers /healthz', async () => {
    expect(env.HOST).toBe('0.0.0.0');
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });

  it('passes the image HEALTHCHECK command, which fails when nothing listens', async () => {
    const [command, ...args] = facts.healthcheck?.exec ?? [];
    expect(command).toBeDefined();
    const healthy = spawnSync(command as string, args, { cwd: REPO_ROOT, env, timeout: 10_000 });
    expect(healthy.status).toBe(0);
    const closedPort = await freePort();
    const unhealthy = spawnSync(command as string, args, { cwd: REPO_ROOT, env: { ...env, PORT: String(closedPort) }, timeout: 10_000 });
    expect(unhealthy.status).toBe(1);
  });

  it('refuses /mcp without a key and lists the tools with one', async () => {
    const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const anonymous = await mcpCall(port, listTools);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error?: unknown }).error).toBeDefined();

    const keyHeaders: Array<Record<string, string>> = [{ 'x-api-key': API_KEY }, { authorization: `Bearer ${API_KEY}` }];
    for (const headers of keyHeaders) {
      const response = await mcpCall(port, listTools, headers);
      expect(response.status).toBe(200);
      const message = (await response.json()) as { result: { tools: Array<{ name: string }> } };
      expect(message.result.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['search_documents', 'get_document', 'list_sources']));
    }
  });

  it('satisfies the compose smoke check (every source answers with hits)', () => {
    const smoke = spawnSync('node', ['deploy/smoke.mjs'], {
      cwd: REPO_ROOT,
      env: { PATH: env.PATH, MCP_URL: `http://127.0.0.1:${port}/mcp`, SMOKE_API_KEY: API_KEY, SMOKE_TIMEOUT_MS: '15000' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(smoke.stderr).toBe('');
    expect(smoke.stdout).toContain('smoke: ok, every source answered with hits');
    expect(smoke.status).toBe(0);
  });

  it('exits 0 on SIGTERM, well within the platform kill timeout', async () => {
    const running = server;
    if (!running) throw new Error('server not started');
    const started = Date.now();
    running.child.kill('SIGTERM');
    const code = await withTimeout(running.exited, killTimeoutMs, 'shutdown after SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(killTimeoutMs);
  });
});

describe.skipIf(missingBuild)(missingBuild ? `image start command without API_KEYS ${SKIP_NOTE}` : 'the image start command without API_KEYS', () => {
  it('refuses to start on HOST=0.0.0.0 and says why', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-deploy-'));
    try {
      const server = startImageCommand(imageEnvironment({ PORT: String(await freePort()), DATA_DIR: dataDir }));
      const code = await withTimeout(server.exited, 15_000, 'refusal');
      expect(code).not.toBe(0);
      expect(server.output()).toContain('API_KEYS');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
