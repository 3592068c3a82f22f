// The read-only view of the repository the deploy checks use, so tests can hand them a fake tree.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface RepoView {
  exists(relativePath: string): boolean;
  /** File text, or null when the path is missing or not a file. */
  read(relativePath: string): string | null;
}

export function repoViewAt(root: string): RepoView {
  return {
    exists: (relativePath) => existsSync(path.join(root, relativePath)),
    read: (relativePath) => {
      try {
        return readFileSync(path.join(root, relativePath), 'utf8');
      } catch {
        return null;
      }
    },
  };
}

/** A view over an in-memory file map; folders exist when some file lies under them. */
export function repoViewOf(files: Record<string, string>): RepoView {
  const names = Object.keys(files);
  return {
    exists: (relativePath) => names.some((name) => name === relativePath || name.startsWith(`${relativePath}/`)),
    read: (relativePath) => files[relativePath] ?? null,
  };
}
