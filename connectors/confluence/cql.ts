// Builds CQL for a search without ever letting user text become query syntax: the text is cut
// into plain words (no Lucene operators, wildcards or quotes survive) inside a quoted CQL string.
import { tokenizeText } from '../contract/text/text-analysis.js';

export type ConfluenceContentType = 'page' | 'blogpost' | 'attachment' | 'comment';

export interface SearchCqlOptions {
  /** `siteSearch` (the UI's ranking, Cloud and DC 7+) or `text` (every version). */
  field: 'siteSearch' | 'text';
  spaces: readonly string[];
  types: readonly ConfluenceContentType[];
  /** Lower bound for `lastmodified`, already widened by the caller for time zones. */
  modifiedSince: Date | null;
}

const MAX_WORDS = 32;

/** Quotes a value as a CQL string literal: backslash and double quote escaped, controls removed. */
export function quoteCqlString(value: string): string {
  const cleaned = value.replace(/\p{Cc}/gu, ' ');
  return `"${cleaned.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The user's text as a CQL string literal of plain lower-case words, or null when it holds no
 * word. Lower case matters: `AND`, `OR`, `NOT`, `TO` are operators to Confluence's Lucene parser.
 */
export function escapeCqlText(text: string): string | null {
  // Lower-casing can add a combining mark ("İ" becomes "i" + U+0307): composed again, any mark
  // left is dropped, so every word stays letters and digits ("İstanbul" → "istanbul").
  const words = tokenizeText(text.normalize('NFC'))
    .map((w) =>
      w
        .toLowerCase()
        .normalize('NFC')
        .replace(/\p{M}+/gu, ''),
    )
    .slice(0, MAX_WORDS);
  return words.length === 0 ? null : quoteCqlString(words.join(' '));
}

/** `yyyy-MM-dd HH:mm` in UTC, the form CQL date comparisons accept. */
export function formatCqlDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** The filters every query of a source shares (types, spaces), without the text clause. */
export function buildScopeCql(options: Pick<SearchCqlOptions, 'spaces' | 'types'>): string {
  const clauses = [`type in (${options.types.map(quoteCqlString).join(', ')})`];
  if (options.spaces.length > 0) clauses.push(`space in (${options.spaces.map(quoteCqlString).join(', ')})`);
  return clauses.join(' AND ');
}

/** The full CQL for one search, or null when the text has no searchable word. */
export function buildSearchCql(text: string, options: SearchCqlOptions): string | null {
  const literal = escapeCqlText(text);
  if (literal === null) return null;
  const clauses = [`${options.field} ~ ${literal}`, buildScopeCql(options)];
  if (options.modifiedSince !== null) clauses.push(`lastmodified >= ${quoteCqlString(formatCqlDate(options.modifiedSince))}`);
  return clauses.join(' AND ');
}
