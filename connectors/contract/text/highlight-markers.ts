// Turns a backend's own highlight markup (Confluence `@@@hl@@@…@@@endhl@@@`, MediaWiki
// `<span class="searchmatch">…</span>`) into the contract's `**…**`, and HTML snippets into text.
import { decodeHTMLStrict } from 'entities/decode';

/**
 * Decodes HTML entities (the full HTML5 table, `entities`); strict mode, so a bare `&` followed
 * by letters (`AT&T`, `&copy` without `;`) stays as written, as it did with the hand-written table.
 */
export function decodeHtmlEntities(text: string): string {
  return decodeHTMLStrict(text);
}

/** Removes HTML tags (keeping their text) and collapses whitespace. Entities are kept encoded. */
export function stripHtmlTags(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Replaces `open…close` highlight pairs with `**…**` (trimmed inside, adjacent pairs merged),
 * drops unpaired markers and any `**` already in the text so that bold means "matched".
 */
export function convertHighlightMarkers(text: string, markers: { open: string; close: string }): string {
  const placeholderOpen = '\uE000';
  const placeholderClose = '\uE001';
  let out = text.replace(/\*\*/g, '').split(markers.open).join(placeholderOpen).split(markers.close).join(placeholderClose);
  out = out.replace(/\uE000([^\uE000\uE001]*)\uE001/g, (_m, inner: string) => {
    const trimmed = inner.trim();
    return trimmed === '' ? inner : inner.replace(trimmed, `**${trimmed}**`);
  });
  return out
    .replace(/[\uE000\uE001]/g, '')
    .replace(/\*\*(\s*)\*\*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
