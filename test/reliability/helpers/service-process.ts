// Runs service-child.ts in its own Node process (through tsx) and hands back its URL, its
// output and whether it is still alive: what a fault does to the process is part of the result.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far (the child logs JSON lines to stderr). */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

const ENTRY = path.resolve('test/reliability/helpers/service-child.ts');

export async function startServiceProcess(
  spec: { sources: Array<Record<string, unknown>>; settings?: Record<string, unknown> },
  logLevel = 'warn',
): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-child-'));
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { PATH: process.env.PATH ?? '', KMCP_CHILD_SPEC: JSON.stringify({ ...spec, dataDir }), KMCP_CHILD_LOG_LEVEL: logLevel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service child did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service child exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
