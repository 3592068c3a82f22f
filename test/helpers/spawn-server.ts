// Runs the built server (`node dist/src/cli.js serve`) as a child process, as users and the image do.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export { freePort };

export const BUILT_CLI = path.resolve('dist/src/cli.js');
export const hasBuild = existsSync(BUILT_CLI);

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  config?: unknown;
  env?: Record<string, string>;
  /** Options for node itself, before the script (e.g. `--import` of a loader hook). */
  nodeOptions?: string[];
}

export async function spawnServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-spawn-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  if (options.config !== undefined) {
    const configFile = path.join(dir, 'knowledge-mcp.config.json');
    writeFileSync(configFile, JSON.stringify(options.config));
    env.KNOWLEDGE_MCP_CONFIG = configFile;
  }
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), BUILT_CLI, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // Generous: the demo initialises embedded Postgres on first start, slow on a loaded machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
