// Walks a markdown folder without ever leaving it: file symlinks count only when their target
// lies inside the folder, directory symlinks are never followed (inside the folder they could
// only duplicate or loop), hidden entries and node_modules are skipped.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ScannedFile {
  /** Relative path with `/` separators: the document's native ID. */
  id: string;
  absolutePath: string;
  /** Changes whenever the file's content may have changed. */
  version: string;
  size: number;
}

export interface ScanOptions {
  extensions: readonly string[];
  maxFileBytes: number;
  /** Stop descending after this many files (a safety net for a mis-pointed `dir`). */
  maxFiles: number;
}

/** True when `candidate` (a resolved real path) is `root` or lies inside it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function fileVersion(info: { mtimeMs: number; ctimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.ctimeMs}:${info.size}:${info.ino}`;
}

/** Every markdown file under `realRoot` (which must already be a real path), sorted by ID. */
export async function scanFolder(realRoot: string, options: ScanOptions): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  const extensions = options.extensions.map((e) => e.toLowerCase());

  async function visit(dir: string, relativeDir: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable sub-folder (permissions, deleted mid-walk): skip it, keep the rest
    }
    for (const entry of entries) {
      if (files.length >= options.maxFiles) return;
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const entryPath = path.join(dir, entry.name);
      const id = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        await visit(entryPath, id);
        continue;
      }
      if (!extensions.includes(path.extname(entry.name).toLowerCase())) continue;
      let target = entryPath;
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(entryPath);
          if (!isInside(realRoot, target)) continue;
        } catch {
          continue; // dangling link
        }
      } else if (!entry.isFile()) {
        continue;
      }
      try {
        const info = await stat(target);
        if (!info.isFile() || info.size > options.maxFileBytes) continue;
        files.push({ id, absolutePath: target, version: fileVersion(info), size: info.size });
      } catch {}
    }
  }

  await visit(realRoot, '');
  return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
