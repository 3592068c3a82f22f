// Reads a folder of markdown files as IngestDocuments: front matter (the shared YAML-only reader,
// which never runs code) gives id, title, url, update time, acl and metadata; otherwise the path,
// first heading and file time do.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readAcl, readFrontMatter, readUpdatedAt, RESERVED_KEYS } from '../../connectors/contract/text/front-matter.js';
import type { IngestDocument } from '../../connectors/contract/types.js';
import { reportInvalid, type ReadOptions } from './input-error.js';

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);

/** Markdown files under `dir`, sorted, as paths relative to it (hidden folders skipped). */
export async function listMarkdownFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string): Promise<void> {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && MARKDOWN_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(child);
    }
  }
  await walk('');
  return found.sort();
}

function asText(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

/** One markdown file's text → a document (pure but for the fallbacks passed in). */
export function parseMarkdownDocument(source: string, relativePath: string, modifiedAt: Date): IngestDocument | { error: string } {
  const { data, body, error } = readFrontMatter(source);
  if (error !== null) return { error };
  const updatedAt = readUpdatedAt(data);
  if (updatedAt !== null && typeof updatedAt === 'object') return { error: `front matter ${updatedAt.invalid} is not a date` };
  const acl = readAcl(data);
  if (acl !== undefined && 'invalid' in acl) return { error: `front matter ${acl.invalid}` };
  const rest = Object.fromEntries(Object.entries(data).filter(([key]) => !RESERVED_KEYS.has(key)));
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(body)?.[1];
  const stem = relativePath.replace(/\.(md|markdown)$/i, '');
  return {
    id: asText(data.id) ?? stem,
    title: asText(data.title) ?? heading ?? path.posix.basename(stem),
    text: body.trim(),
    url: asText(data.url),
    updatedAt: updatedAt ?? modifiedAt.toISOString(),
    metadata: { ...JSON.parse(JSON.stringify(rest)), path: relativePath },
    ...(acl === undefined ? {} : { acl }),
  };
}

export async function* readMarkdownFolder(dir: string, options: ReadOptions): AsyncGenerator<IngestDocument> {
  for (const relative of await listMarkdownFiles(dir)) {
    options.signal.throwIfAborted();
    const file = path.join(dir, relative);
    const [text, info] = await Promise.all([readFile(file, { encoding: 'utf8', signal: options.signal }), stat(file)]);
    const result = parseMarkdownDocument(text, relative, info.mtime);
    if ('error' in result) {
      reportInvalid({ file, line: 1, reason: result.error }, options);
      continue;
    }
    yield result;
  }
}
