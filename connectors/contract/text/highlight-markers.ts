// Turns a backend's own highlight markup (Confluence `@@@hl@@@…@@@endhl@@@`, MediaWiki
// `<span class="searchmatch">…</span>`) into the contract's `**…**`, and HTML snippets into text.

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  deg: '°',
  times: '×',
};

/** Decodes named (common) and numeric HTML entities; unknown ones are left as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
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
