// The package as a user gets it: `npm pack`, install the tarball into an empty folder, and run
// `npx knowledge-mcp serve`, `stdio`, `migrate` and `ingest` from there, so the built JavaScript,
// the bin's shebang and the demo and migrations found relative to the package are what is tested.
// Slow by nature (an npm install): one pack and one install serve every case in this file.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/free-port.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'knowledge-mcp-package-'));
const app = path.join(work, 'app');
const dataDir = path.join(work, 'data');

/** The newest modification time under a folder (sources, to tell whether dist/ is stale). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Environment of a user's shell: nothing of this repository's configuration leaks in. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return { PATH, HOME, DATA_DIR: dataDir, LOG_LEVEL: 'info', npm_config_update_notifier: 'false', ...extra };
}

/** Runs `npx knowledge-mcp …` in the app folder; a failure reports what the command printed. */
async function npx(args: string[], env: NodeJS.ProcessEnv = userEnv()) {
  try {
    return await run('npx', ['--no-install', 'knowledge-mcp', ...args], { cwd: app, env, maxBuffer: 16 << 20 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`knowledge-mcp ${args.join(' ')} failed:\n${stdout ?? ''}\n${(stderr ?? '').slice(-2000)}`);
  }
}

beforeAll(async () => {
  // npm test builds first (pretest); a direct vitest run gets a fresh build only when sources are newer.
  const cli = path.join(ROOT, 'dist', 'src', 'cli.js');
  if (!existsSync(cli) || Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'connectors'))) > statSync(cli).mtimeMs) {
    await run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  }
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  expect(packed?.files.map((file) => file.path)).toEqual(expect.arrayContaining(['dist/src/cli.js', 'migrations/001_documents.sql', 'README.md']));
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'package-test', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', path.join(work, packed?.filename ?? '')], {
    cwd: app,
    maxBuffer: 16 << 20,
  });
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the installed package', () => {
  it('ships only what it needs: no sources, no tests', () => {
    const installed = path.join(app, 'node_modules', 'knowledge-mcp');
    expect(existsSync(path.join(installed, 'dist', 'src', 'cli.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'demo', 'runbooks'))).toBe(true);
    expect(existsSync(path.join(installed, 'src'))).toBe(false);
    expect(existsSync(path.join(installed, 'test'))).toBe(false);
  });

  it('serves the demo: `npx knowledge-mcp serve` answers tools/list and a search over HTTP, and stops on SIGTERM', async () => {
    const port = await freePort();
    // The bin itself (what npx runs), so that SIGTERM reaches the server and not an npm wrapper.
    const bin = path.join(app, 'node_modules', '.bin', 'knowledge-mcp');
    const server: ChildProcess = spawn(bin, ['serve'], { cwd: app, env: userEnv({ PORT: String(port) }), stdio: 'pipe' });
    let log = '';
    server.stdout?.on('data', (chunk) => {
      log += chunk;
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}/mcp`;
      const deadline = Date.now() + 90_000;
      while (!log.includes('listening') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      const post = async (body: object) =>
        (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as {
          result: { tools?: Array<{ name: string }>; structuredContent?: { results: Array<{ id: string }> } };
        };
      const list = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
      expect(list.result.tools?.map((tool) => tool.name)).toEqual(['search_documents', 'get_document', 'list_sources']);
      const search = await post({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'search_documents', arguments: { query: 'roll back a deploy' } },
      });
      const ids = search.result.structuredContent?.results.map((result) => result.id) ?? [];
      // The demo runbooks come from the package's own demo/ folder: the working directory has none.
      expect(ids.some((id) => id.startsWith('runbooks:'))).toBe(true);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 240_000);

  it('speaks MCP on stdio: `npx knowledge-mcp stdio` answers on stdout and exits 0 when stdin closes', async () => {
    const child = spawn('npx', ['--no-install', 'knowledge-mcp', 'stdio'], { cwd: app, env: userEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const initialize = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'package-test', version: '1' } };
    child.stdin.end(
      [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: initialize },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'on-call handover' } } },
      ]
        .map((message) => `${JSON.stringify(message)}\n`)
        .join(''),
    );
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; result: { serverInfo?: { name: string }; isError?: boolean } });
    expect(answers.map((answer) => answer.id).sort()).toEqual([1, 2]);
    expect(answers.find((answer) => answer.id === 1)?.result.serverInfo?.name).toBe('knowledge-mcp');
    expect(answers.find((answer) => answer.id === 2)?.result.isError).toBe(false);
  }, 240_000);

  it('migrates and ingests into a configured source, which then finds what was ingested', async () => {
    const config = path.join(app, 'knowledge-mcp.config.json');
    // Embedded Postgres (PGlite): no server needed; a generous start timeout for a busy machine.
    const source = { name: 'notes', kind: 'postgres', data_dir: path.join(work, 'notes-db'), connect_timeout_ms: 60_000 };
    writeFileSync(config, JSON.stringify({ sources: [source] }));
    const migrated = await npx(['migrate']);
    expect(`${migrated.stdout}${migrated.stderr}`).toMatch(/notes/);
    const input = path.join(work, 'notes.jsonl');
    writeFileSync(input, `${JSON.stringify({ _id: 'n1', title: 'Quarterly zebra census', text: 'Counting zebras every quarter.' })}\n`);
    await npx(['ingest', '--source', 'notes', input]);
    const { stdout } = await npx(['search', 'zebra census', '--json']);
    expect((JSON.parse(stdout) as { results: Array<{ id: string }> }).results.map((result) => result.id)).toEqual(['notes:n1']);
  }, 240_000);
});
