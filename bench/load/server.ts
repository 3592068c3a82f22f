// The server under load: the built CLI (`serve`, demo sources), pinned like every benchmark's,
// started with --trace-gc so that the live heap after each full collection (Mark-Compact) can be
// read from its output — the one memory figure that garbage not yet collected cannot inflate.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, pinnedCommand, whenServing, type ChildServer } from '../lib/processes.js';
import { benchServerEnv, SERVER_CORE } from '../lib/servers.js';

export interface FullGc {
  /** performance.now() of this process when the line was read. */
  at: number;
  liveMiB: number;
}

export interface TracedServer extends ChildServer {
  fullGcs: FullGc[];
  /** The server's own log lines (warn and above), for a summary at the end. */
  logLines: string[];
}

const MARK_COMPACT = /Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;
/** `[pid:0x…]` in front of every --trace-gc line: which isolate (main thread or a worker) collected. */
const ISOLATE = /^\[\d+:(0x[0-9a-f]+)\]/;

export async function startTracedServer(env: Record<string, string>): Promise<TracedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-load-data-'));
  const [command, args] = pinnedCommand(SERVER_CORE, process.execPath, ['--trace-gc', 'dist/src/cli.js', 'serve']);
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...benchServerEnv(port, dataDir, env) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const fullGcs: FullGc[] = [];
  const logLines: string[] = [];
  // The main isolate collects first (loading modules, before the PGlite worker exists); the
  // worker's own collections, of a heap a fraction the size, would read as the server's heap.
  let mainIsolate: string | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const isolate = ISOLATE.exec(line)?.[1];
    if (isolate !== undefined) {
      mainIsolate ??= isolate;
      const match = MARK_COMPACT.exec(line);
      if (match && isolate === mainIsolate) fullGcs.push({ at: performance.now(), liveMiB: Number(match[1]) });
    } else if (line.startsWith('{')) logLines.push(line);
  });
  return { ...(await whenServing(child, port)), fullGcs, logLines };
}

/** "level msg" → count, e.g. `50 tool failed unexpectedly: client disconnected` → 64. */
export function summarizeLogs(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let key = line.slice(0, 120);
    try {
      const record = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      key = `${record.level ?? '?'} ${record.msg ?? ''}${record.err?.message ? `: ${record.err.message}` : ''}`;
    } catch {
      /* not JSON: keep the raw start */
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
