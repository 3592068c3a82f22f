// The two servers every throughput benchmark compares: ours (the built CLI) and the bare
// node:http ceiling answering the same bytes, both pinned to the same core.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startChildServer, type ChildServer } from './processes.js';

/** Servers run on this core; the load generator gets the other one. */
export const SERVER_CORE = 1;
export const LOAD_CORE = 0;

/**
 * Pins this process (the load generator: autocannon runs in it), every thread, to LOAD_CORE, so
 * that it never takes the server's core: unpinned, the scheduler put it beside the server
 * whenever the other core was busy, and the server's figure dropped with it.
 */
export function pinLoadGenerator(): void {
  if (availableParallelism() < 2 || !existsSync('/usr/bin/taskset')) return;
  execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
}

export async function startBareServer(bodyText: string): Promise<ChildServer> {
  const bodyFile = path.join(mkdtempSync(path.join(tmpdir(), 'kmcp-bare-')), 'body.json');
  writeFileSync(bodyFile, bodyText);
  const port = await freePort();
  return startChildServer({ core: SERVER_CORE, args: ['bench/lib/bare-server.mjs', String(port), bodyFile], env: {}, port });
}

/** The environment a benched `serve` runs with: loopback, quiet logs, no rate limit, no drain. */
export function benchServerEnv(port: number, dataDir: string, env: Record<string, string>): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_DRAIN_MS: '0' /* no load balancer to drain from */,
    ...env,
  };
}

export async function startOurServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-bench-data-'));
  return startChildServer({
    core: SERVER_CORE,
    args: ['dist/src/cli.js', 'serve'],
    env: benchServerEnv(port, dataDir, env),
    port,
  });
}
