// Shared by the config tests: loadConfig in a fresh temporary folder, and the problems it refuses with.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConnectorFactory } from '../../../connectors/contract/registry-types.js';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';

export function loadIn(factories: readonly ConnectorFactory[], env: Record<string, string>, files: Record<string, string> = {}, configPath?: string) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'kmcp-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(cwd, name), content);
  return loadConfig({ env, cwd, factories, configPath });
}

export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
