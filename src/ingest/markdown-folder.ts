// Reads a folder of markdown files as IngestDocuments: front matter (gray-matter) gives id,
// title, url, updated_at and metadata; otherwise the path, first heading and file time do.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
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

function asDate(value: unknown): string | null | 'invalid' {
  if (value === undefined || value === null || value === '') return null;
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? 'invalid' : new Date(time).toISOString();
}

/** One markdown file's text → a document (pure but for the fallbacks passed in). */
export function parseMarkdownDocument(source: string, relativePath: string, modifiedAt: Date): IngestDocument | { error: string } {
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    // Options given on purpose: without them gray-matter caches every file's text forever.
    parsed = matter(source, {}) as unknown as { data: Record<string, unknown>; content: string };
  } catch (error) {
    return { error: `front matter is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})` };
  }
  const { id, title, url, updated_at: updatedAtField, updated, date, ...rest } = parsed.data;
  const updatedAt = asDate(updatedAtField ?? updated ?? date);
  if (updatedAt === 'invalid') return { error: 'front matter updated_at is not a date' };
  const heading = /^#\s+(.+?)\s*#*\s*$/m.exec(parsed.content)?.[1];
  const stem = relativePath.replace(/\.(md|markdown)$/i, '');
  return {
    id: asText(id) ?? stem,
    title: asText(title) ?? heading ?? path.posix.basename(stem),
    text: parsed.content.trim(),
    url: asText(url),
    updatedAt: updatedAt ?? modifiedAt.toISOString(),
    metadata: { ...JSON.parse(JSON.stringify(rest)), path: relativePath },
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
