// The image installs `dependencies` only (npm ci --omit=dev): every package the built dist/ imports
// must be listed there, or the container crashes where `npm start` in a checkout works.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-files.js';

const DIST = path.join(REPO_ROOT, 'dist');
const hasDist = existsSync(path.join(DIST, 'src/cli.js'));
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`); null for relative/builtin. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  if (builtinModules.includes(specifier.split('/')[0] ?? '')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? null);
}

function importedPackages(): Map<string, string> {
  const found = new Map<string, string>();
  const files = (readdirSync(DIST, { recursive: true }) as string[]).filter((name) => name.endsWith('.js'));
  for (const file of files) {
    const text = readFileSync(path.join(DIST, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const name = packageOf(match[1] ?? '');
      if (name && !found.has(name)) found.set(name, file);
    }
  }
  return found;
}

describe('runtime dependencies', () => {
  it('maps specifiers to packages', () => {
    expect(packageOf('@elastic/elasticsearch/lib/x.js')).toBe('@elastic/elasticsearch');
    expect(packageOf('pg')).toBe('pg');
    expect(packageOf('node:fs')).toBeNull();
    expect(packageOf('fs/promises')).toBeNull();
    expect(packageOf('../errors.js')).toBeNull();
  });

  it.skipIf(!hasDist)(hasDist ? 'are all production dependencies for what dist/ imports' : 'skipped: no dist/, run `npm run build` first', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const production = new Set(Object.keys(manifest.dependencies ?? {}));
    const imported = importedPackages();
    expect(imported.size).toBeGreaterThan(0);
    const missing = [...imported].filter(([name]) => !production.has(name)).map(([name, file]) => `${name} (imported by dist/${file})`);
    expect(missing).toEqual([]);
  });
});
