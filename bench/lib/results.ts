// Benchmarks write their figures as JSON under bench/results/ (git-ignored) next to the printed table.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function writeResults(name: string, figures: unknown): string {
  const directory = path.resolve('bench/results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${name}.json`);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  writeFileSync(file, `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), machine, figures }, null, 2)}\n`);
  return file;
}
