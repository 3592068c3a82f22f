// Reads one markdown page: front matter (title, url, update time, acl) through the shared safe
// reader, title and update time falling back to the file itself.
import { readAcl, readFrontMatter, readUpdatedAt, RESERVED_KEYS } from '../contract/text/front-matter.js';
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
  /** Principals who may read the page (front matter `acl:`); undefined = everyone. */
  acl: readonly string[] | undefined;
  /** What was wrong with the front matter, for the operator's log (never shown to callers). */
  problems: string[];
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
  const { data, body, error } = readFrontMatter(source);
  const problems = error === null ? [] : [error];
  const headingLines = [...body.matchAll(/^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1] ?? '');
  const firstH1 = /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(body)?.[1];
  const fmTitle = typeof data.title === 'string' && data.title.trim() !== '' ? data.title.trim() : null;
  const updated = readUpdatedAt(data);
  if (updated !== null && typeof updated === 'object') problems.push(`front matter ${updated.invalid} is not a date; the file time is used`);
  const acl = readAcl(data);
  // A broken acl must not open the page to everyone: it is readable by service callers only.
  if (acl !== undefined && 'invalid' in acl) problems.push(`front matter ${acl.invalid}; the page is readable by service callers only`);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!RESERVED_KEYS.has(key) || key === 'id') extra[key] = value;
  }
  const updatedAt = typeof updated === 'string' ? updated : null;
  return {
    title: fmTitle ?? (firstH1 ? markdownToPlainText(firstH1) : titleFromFileName(id)),
    url: toHttpUrl(data.url),
    updatedAt: updatedAt ?? (Number.isNaN(mtime.getTime()) ? null : mtime.toISOString()),
    body,
    plainText: markdownToPlainText(withoutLeadingTitle(body, fmTitle ?? firstH1 ?? null)),
    headings: headingLines.map(markdownToPlainText).join(' \n '),
    extra,
    acl: acl !== undefined && 'invalid' in acl ? [] : acl,
    problems,
  };
}
