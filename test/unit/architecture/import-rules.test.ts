// The dependency rule of docs/architecture.md, checked on the code's own import lines:
// connectors import only connectors/contract (and their own folder); core imports a concrete
// connector only in the composition root.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function listSources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** Repository-relative targets of the relative imports in `source`, found in file `from`. */
function importTargets(from: string, source: string): string[] {
  const targets: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (spec) targets.push(path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)));
  }
  return targets;
}

/** Why `from` may not import `target`, or null when the rule allows it. */
function forbiddenImport(from: string, target: string): string | null {
  const connectorKind = (file: string): string | null => /^connectors\/([^/]+)\//.exec(file)?.[1] ?? null;
  if (from.startsWith('connectors/')) {
    if (!target.startsWith('connectors/')) return 'a connector imports only connectors/contract, its own folder and npm packages';
    if (from === 'connectors/registry.ts') return null;
    const own = connectorKind(from);
    const other = connectorKind(target);
    if (own === 'contract' && other !== 'contract') return 'connectors/contract imports nothing but itself';
    if (other !== 'contract' && other !== own) return `connector ${own} reaches into ${target}`;
    return null;
  }
  if (target.startsWith('connectors/') && !target.startsWith('connectors/contract/') && !from.startsWith('src/composition/')) {
    return 'only the composition root (src/composition) imports the registry or a concrete connector';
  }
  if (from.startsWith('src/federation/') && target.startsWith('src/composition/')) return 'the federation never imports the composition root';
  return null;
}

describe('the dependency rule', () => {
  it('holds for every import in src/ and connectors/', () => {
    const violations: string[] = [];
    for (const file of [...listSources('src'), ...listSources('connectors')]) {
      for (const target of importTargets(file, readFileSync(path.join(ROOT, file), 'utf8'))) {
        const why = forbiddenImport(file, target);
        if (why) violations.push(`${file} → ${target}: ${why}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reads import lines, type-only and dynamic ones too', () => {
    const source = "import type { A } from '../contract/types.js';\nexport { b } from './b.js';\nconst c = await import('../../src/c.js');";
    expect(importTargets('connectors/postgres/x.ts', source)).toEqual(['connectors/contract/types.js', 'connectors/postgres/b.js', 'src/c.js']);
  });

  it('names each kind of forbidden import', () => {
    expect(forbiddenImport('connectors/postgres/x.ts', 'src/errors.js')).toMatch(/only connectors\/contract/);
    expect(forbiddenImport('connectors/postgres/x.ts', 'connectors/markdown/y.js')).toMatch(/reaches into/);
    expect(forbiddenImport('connectors/contract/x.ts', 'connectors/postgres/y.js')).toMatch(/imports nothing but itself/);
    expect(forbiddenImport('src/federation/fan-out.ts', 'connectors/registry.js')).toMatch(/composition root/);
    expect(forbiddenImport('src/tools/schemas.ts', 'connectors/postgres/config.js')).toMatch(/composition root/);
    expect(forbiddenImport('src/federation/x.ts', 'src/composition/runtime.js')).toMatch(/never imports/);
    expect(forbiddenImport('src/composition/connectors.ts', 'connectors/registry.js')).toBeNull();
    expect(forbiddenImport('connectors/registry.ts', 'connectors/postgres/index.js')).toBeNull();
    expect(forbiddenImport('connectors/postgres/x.ts', 'connectors/contract/errors.js')).toBeNull();
  });
});
