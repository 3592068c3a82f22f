// A bounded load run against one URL, reduced to the figures the tables print: wrk (C, what issue
// 19 measured with) pinned to the load core when it is installed, else autocannon in this process.
// autocannon tops out near the bare server's rate on one core, which flattered every ratio to it.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { LOAD_CORE } from './servers.js';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  requests: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Several request shapes, taken in turn (a mixed workload). */
  requests?: Array<{ method: 'GET' | 'POST'; path?: string; headers?: Record<string, string>; body: string }>;
}

let wrkPresent: boolean | null = null;

/** 'wrk' when installed and not turned off (BENCH_LOAD_GENERATOR=autocannon), else 'autocannon'. */
export function loadGenerator(): 'wrk' | 'autocannon' {
  if (process.env.BENCH_LOAD_GENERATOR === 'autocannon') return 'autocannon';
  if (wrkPresent === null) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      wrkPresent = true;
    } catch (error) {
      // wrk --version exits 1 after printing its version; only a missing binary throws ENOENT
      wrkPresent = (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
  return wrkPresent ? 'wrk' : 'autocannon';
}

/** A wrk duration like 812.00us, 3.02ms or 1.20s, in ms. */
function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

/** wrk's --latency report as LoadFigures. */
export function parseWrk(output: string): LoadFigures {
  const percentile = (p: string) => wrkMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  const latency = /^\s+Latency\s+\S+\s+\S+\s+(\S+)/m.exec(output);
  const total = /^\s+(\d+) requests in/m.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(/^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1] ?? Number.NaN),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    maxMs: latency ? wrkMs(latency[1]!) : Number.NaN,
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    requests: Number(total?.[1] ?? 0),
  };
}

async function runWrk(options: LoadOptions): Promise<LoadFigures> {
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'kmcp-wrk-')), 'request.lua');
  const lines = [`wrk.method = "${options.method ?? 'POST'}"`];
  if (options.body !== undefined) lines.push(`wrk.body = [==[${options.body}]==]`);
  for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`wrk.headers[ [==[${name}]==] ] = [==[${value}]==]`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = ['-c', String(LOAD_CORE), 'wrk', '-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '--latency', '-s', script, options.url];
  const { stdout } = await promisify(execFile)('/usr/bin/taskset', args, { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  if (options.requests === undefined && loadGenerator() === 'wrk') return runWrk(options);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    method: options.method ?? 'POST',
    headers: options.headers,
    body: options.body,
    requests: options.requests,
  });
  return toLoadFigures(result);
}

/** The figures the tables print, from one autocannon result. */
export function toLoadFigures(result: autocannon.Result): LoadFigures {
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => String(row[column] ?? '').length)));
  const line = (row: Array<string | number>) => `| ${row.map((cell, column) => String(cell).padEnd(widths[column] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${cells.slice(1).map(line).join('\n')}\n`);
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}
