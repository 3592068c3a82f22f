// Reads one markdown page: YAML front matter (title, url, updated) parsed safely with `yaml`
// (no executable front-matter engines), title and update time falling back to the file itself.
import { parse as parseYaml } from 'yaml';
import { markdownToPlainText } from '../contract/text/markdown-text.js';

export interface ParsedPage {
  title: string;
  url: string | null;
  updatedAt: string | null;
  /** The markdown after the front matter. */
  body: string;
  /** Prose for snippets and hashing. */
  plainText: string;
  /** Heading texts, indexed with a boost of their own. */
  headings: string;
  /** Front-matter keys other than the ones above, for `get_document` metadata. */
  extra: Record<string, unknown>;
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const UPDATED_KEYS = ['updated', 'updated_at', 'last_updated', 'modified', 'date'] as const;

function readFrontMatter(source: string): { data: Record<string, unknown>; body: string } {
  const match = FRONT_MATTER.exec(source);
  if (match === null) return { data: {}, body: source.replace(/^\uFEFF/, '') };
  try {
    const data: unknown = parseYaml(match[1] ?? '');
    const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
    return { data: record, body: source.slice(match[0].length) };
  } catch {
    // Broken YAML: show the page as written rather than hiding it.
    return { data: {}, body: source };
  }
}

function toIsoDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function toHttpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function titleFromFileName(id: string): string {
  const base = id.split('/').pop() ?? id;
  const words = base
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return words.length === 0 ? id : words[0]?.toUpperCase() + words.slice(1);
}

/** The body minus an opening `# Title` that repeats the title, so snippets don't repeat it. */
function withoutLeadingTitle(body: string, title: string | null): string {
  const match = /^\s*#\s+(.+?)\s*#*\s*(?:\n|$)/.exec(body);
  if (match === null || title === null) return body;
  return markdownToPlainText(match[1] ?? '') === markdownToPlainText(title) ? body.slice(match[0].length) : body;
}

/** Parses a page; `mtime` is used when the front matter gives no update time. */
export function parseMarkdownPage(id: string, source: string, mtime: Date): ParsedPage {
  const { data, body } = readFrontMatter(source);
  const headingLines = [...body.matchAll(/^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1] ?? '');
  const firstH1 = /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(body)?.[1];
  const fmTitle = typeof data.title === 'string' && data.title.trim() !== '' ? data.title.trim() : null;
  let updatedAt: string | null = null;
  for (const key of UPDATED_KEYS) {
    updatedAt = toIsoDate(data[key]);
    if (updatedAt !== null) break;
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== 'title' && key !== 'url' && !(UPDATED_KEYS as readonly string[]).includes(key)) extra[key] = value;
  }
  return {
    title: fmTitle ?? (firstH1 ? markdownToPlainText(firstH1) : titleFromFileName(id)),
    url: toHttpUrl(data.url),
    updatedAt: updatedAt ?? (Number.isNaN(mtime.getTime()) ? null : mtime.toISOString()),
    body,
    plainText: markdownToPlainText(withoutLeadingTitle(body, fmTitle ?? firstH1 ?? null)),
    headings: headingLines.map(markdownToPlainText).join(' \n '),
    extra,
  };
}
