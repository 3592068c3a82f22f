// The one front-matter reader for markdown pages, shared by the markdown connector and
// `knowledge-mcp ingest`: YAML only, parsed as data, so no page can run code (DESIGN §7).
import { parseDocument } from 'yaml';

export interface FrontMatter {
  /** The YAML mapping; `{}` when there is none or it is not a mapping. */
  data: Record<string, unknown>;
  /** The markdown after the front matter (the whole page when there is none). */
  body: string;
  /** Why the front matter was not read (broken YAML); null when it was, or there was none. */
  error: string | null;
}

// `---` or `---yaml` opens it (the spellings other tools write for YAML); any other language
// marker (`---js`, `---coffee`, `---json`) is not front matter here: the page reads as text.
const FRONT_MATTER = /^\uFEFF?---(?:yaml)?[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * The front-matter keys that give a page's update time, most specific first; the first one
 * present decides (a later key is not consulted when an earlier one holds a bad date).
 */
export const UPDATED_AT_KEYS = ['updated_at', 'updated', 'last_updated', 'lastmod', 'modified', 'date'] as const;

/** Splits a page into its front matter and body. Never throws, never evaluates anything. */
export function readFrontMatter(source: string): FrontMatter {
  const match = FRONT_MATTER.exec(source);
  const withoutBom = source.replace(/^\uFEFF/, '');
  if (match === null) return { data: {}, body: withoutBom, error: null };
  // The core schema and no custom tags: `!!js/function` and friends stay unresolved strings
  // (never code), aliases are capped against expansion bombs, and warnings stay out of stderr.
  const document = parseDocument(match[1] ?? '', { schema: 'core', customTags: [], logLevel: 'silent', uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]?.message.split('\n')[0] ?? 'parse error';
    // Broken YAML: the page reads as written rather than disappearing.
    return { data: {}, body: withoutBom, error: `front matter is not valid YAML (${first})` };
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { data: {}, body: withoutBom, error: `front matter is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})` };
  }
  const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return { data: record, body: source.slice(match[0].length), error: null };
}

function toIsoDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const time = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * The update time from the first of `UPDATED_AT_KEYS` present: an ISO string, null when no key
 * is present, `{ invalid: key }` when the deciding key does not hold a date.
 */
export function readUpdatedAt(data: Record<string, unknown>): string | null | { invalid: string } {
  for (const key of UPDATED_AT_KEYS) {
    const value = data[key];
    if (value === undefined || value === null || value === '') continue;
    return toIsoDate(value) ?? { invalid: key };
  }
  return null;
}

/**
 * The `acl:` field (DESIGN §7): absent or null → undefined (everyone who may use the source);
 * a list of principals (`user:…`, `group:…`) → that list, `[]` → service callers only;
 * anything else → `{ invalid }`.
 */
export function readAcl(data: Record<string, unknown>): readonly string[] | undefined | { invalid: string } {
  const value = data.acl;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return { invalid: 'acl must be a list of principals' };
  const principals: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string' || entry.trim() === '') return { invalid: 'acl must be a list of principals' };
    principals.push(entry.trim());
  }
  return [...new Set(principals)];
}

/** Front-matter keys that become fields of their own rather than metadata. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['id', 'title', 'url', 'acl', ...UPDATED_AT_KEYS]);
