// A pre-initialised PGlite data directory, made once by `npm run build`, so the embedded
// default's first start copies it instead of running initdb in WebAssembly (seconds, and
// hundreds of MB of memory that the process keeps). Stamped with PGlite's version; a template
// of another version is ignored.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STAMP = 'KNOWLEDGE_MCP_PGLITE_VERSION';

function installedPgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i += 1, dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
    }
  }
  return 'unknown';
}

/** Where the build puts the template: `dist/pglite-template` of the checkout or package. */
export function templateLocation(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    dir = path.dirname(dir);
    if (path.basename(dir) === 'dist') return path.join(dir, 'pglite-template');
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'pglite-template');
  }
  return path.join(process.cwd(), 'dist', 'pglite-template');
}

/** The template directory when one of the installed PGlite's version is there; otherwise null. */
export function pgliteTemplateDir(): string | null {
  const dir = templateLocation();
  try {
    if (!existsSync(path.join(dir, 'PG_VERSION'))) return null;
    return readFileSync(path.join(dir, STAMP), 'utf8').trim() === installedPgliteVersion() ? dir : null;
  } catch {
    return null;
  }
}

/** Makes the template (initdb once) unless an up-to-date one exists; true when it made one. */
export async function buildPgliteTemplate(dir = templateLocation()): Promise<boolean> {
  if (pgliteTemplateDir() === dir) return false;
  const { PGlite } = await import('@electric-sql/pglite');
  await mkdir(path.dirname(dir), { recursive: true });
  const staging = await mkdtemp(`${dir}.staging-`);
  const db = await PGlite.create({ dataDir: staging });
  await db.query('SELECT 1');
  await db.close();
  await writeFile(path.join(staging, STAMP), `${installedPgliteVersion()}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return true;
}

// `node dist/connectors/postgres/pglite-template.js` (the build's last step).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const made = await buildPgliteTemplate();
  if (made) process.stderr.write(`PGlite template written to ${templateLocation()}\n`);
}
