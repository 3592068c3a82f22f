// Renders pages as a MediaWiki XML import dump (export format 0.11), shared by the CI import
// script and the integration tests' API import.

export interface WikiPage {
  title: string;
  text: string;
  timestamp: string;
  /** A distinctive word of the page, used to check the search index after import. */
  probe: string | null;
}

export const DEFAULT_TIMESTAMP = '2024-01-15T10:00:00Z';
const NAMESPACES: Record<string, number> = { Help: 12, Project: 4 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Page titles may not contain these characters; a BEIR title is a sentence and may. */
export function toPageTitle(raw: string): string {
  const cleaned = raw
    .replace(/[#<>[\]|{}_]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[:\s]+/, '');
  const title = cleaned.length > 200 ? `${cleaned.slice(0, 200).replace(/\s+\S*$/, '')}…` : cleaned;
  return title.charAt(0).toUpperCase() + title.slice(1);
}

export function toTimestamp(value: unknown): string {
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return DEFAULT_TIMESTAMP;
}

/** The page's three longest words: together they find the page among few others. */
export function pickProbe(text: string): string | null {
  const words = [...new Set(text.toLowerCase().match(/[a-z]{5,}/g) ?? [])];
  words.sort((a, b) => b.length - a.length || a.localeCompare(b));
  return words.length === 0 ? null : words.slice(0, 3).join(' ');
}

/** Page titles for BEIR documents in corpus order; a repeated title gets its id appended. */
export function beirPageTitles(docs: ReadonlyArray<{ _id: string; title?: string }>): string[] {
  const seen = new Set<string>();
  return docs.map((doc) => {
    let title = toPageTitle(doc.title && doc.title.trim() !== '' ? doc.title : `Document ${doc._id}`);
    if (seen.has(title.toLowerCase())) title = `${title} (${doc._id})`;
    seen.add(title.toLowerCase());
    return title;
  });
}

export function renderDump(pages: WikiPage[]): string {
  const parts = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">'];
  for (const page of pages) {
    const prefix = page.title.split(':', 1)[0] ?? '';
    const ns = page.title.includes(':') ? (NAMESPACES[prefix] ?? 0) : 0;
    parts.push(
      '  <page>',
      `    <title>${escapeXml(page.title)}</title>`,
      `    <ns>${ns}</ns>`,
      '    <revision>',
      `      <timestamp>${page.timestamp}</timestamp>`,
      '      <contributor><username>Knowledge MCP import</username></contributor>',
      '      <model>wikitext</model>',
      '      <format>text/x-wiki</format>',
      `      <text xml:space="preserve">${escapeXml(page.text)}</text>`,
      '    </revision>',
      '  </page>',
    );
  }
  parts.push('</mediawiki>', '');
  return parts.join('\n');
}
