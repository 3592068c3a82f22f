// Where the installed package lives: the nearest folder above this file holding package.json,
// whether running from source (src/) or built (dist/src/), from a checkout or node_modules. The
// shipped demo/, migrations/ and package.json are found from here, never from the working directory.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`knowledge-mcp: no package.json above ${start}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
