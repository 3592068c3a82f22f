// Helpers for the deploy tests: the repository root, its files, and text mutations that must change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function readRepoFile(relativePath: string): string {
  return readFileSync(path.join(REPO_ROOT, relativePath), 'utf8');
}

/** `text` with `from` replaced by `to`; fails the test when `from` is not there (a vacuous mutation). */
export function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  expect(changed, `mutation ${String(from)} did not apply`).not.toBe(text);
  return changed;
}
