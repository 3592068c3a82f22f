// Starting servers for benchmarks as child processes, pinned to one core, on free loopback ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

// The tests' helper: one way to find a free port for both.
export { freePort } from '../../test/helpers/free-port.js';

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `taskset` keeps the server on one core so the load generator does not steal its CPU. */
export function pinnedCommand(core: number | null, command: string, args: string[]): [string, string[]] {
  if (core === null || !existsSync('/usr/bin/taskset')) return [command, args];
  return ['/usr/bin/taskset', ['-c', String(core), command, ...args]];
}

export async function startChildServer(options: {
  core: number | null;
  args: string[];
  env: Record<string, string>;
  readyPath?: string;
  port: number;
}): Promise<ChildServer> {
  const [command, args] = pinnedCommand(options.core, process.execPath, options.args);
  const child: ChildProcess = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return whenServing(child, options.port, options.readyPath);
}

/** Waits (up to 60 s) until a spawned server answers `readyPath` on loopback `port`. */
export async function whenServing(child: ChildProcess, port: number, readyPath = '/healthz'): Promise<ChildServer> {
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('server did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Memory of a process in MiB, read from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
