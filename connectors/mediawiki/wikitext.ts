// Wikitext → readable markdown for agents: headings, lists, tables, links, code and emphasis kept;
// templates, references, categories, files, magic words and comments dropped.
import { decodeHtmlEntities } from '../contract/text/highlight-markers.js';

export interface WikitextOptions {
  /** Article URL pattern with `$1` for the title (server + articlepath), to keep wiki links. */
  articleUrl?: string | null;
}

/** A wiki title as MediaWiki writes it in URLs: underscores, and only unsafe characters escaped. */
export function encodeTitleForUrl(title: string): string {
  return encodeURIComponent(title.replace(/ /g, '_'))
    .replace(/%2F/g, '/')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%40/g, '@')
    .replace(/%24/g, '$')
    .replace(/%21/g, '!')
    .replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
}

// Placeholders keep code and nowiki text away from the markup rules; \u0000 never occurs in wikitext.
const HOLD = '\u0000';

/** Removes `open…close` spans with nesting (templates `{{…}}`, file links `[[File:…]]`). */
function removeBalanced(text: string, open: string, close: string, shouldRemove: (inner: string) => boolean = () => true): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(open, i);
    if (start === -1) break;
    let depth = 0;
    let j = start;
    let end = -1;
    while (j < text.length) {
      if (text.startsWith(open, j)) {
        depth++;
        j += open.length;
      } else if (text.startsWith(close, j)) {
        depth--;
        j += close.length;
        if (depth === 0) {
          end = j;
          break;
        }
      } else j++;
    }
    if (end === -1) break;
    const inner = text.slice(start + open.length, end - close.length);
    out += text.slice(i, start) + (shouldRemove(inner) ? '' : text.slice(start, end));
    i = end;
  }
  return out + text.slice(i);
}

const DROPPED_LINK_PREFIX = /^\s*(file|image|media|category|[a-z]{2,3}(-[a-z]+)?)\s*:/i;

function convertLinks(text: string, articleUrl: string | null): string {
  const withoutFiles = removeBalanced(text, '[[', ']]', (inner) => DROPPED_LINK_PREFIX.test(inner));
  const internal = withoutFiles.replace(/\[\[([^[\]|]*)(?:\|([^[\]]*))?\]\]([a-z]*)/g, (_m, target: string, label: string | undefined, trail: string) => {
    const page = target.replace(/^:/, '').trim();
    const text = `${(label ?? page).trim() || page}${trail}`;
    if (articleUrl === null || page === '' || page.startsWith('#')) return text;
    const [title, fragment] = page.split('#', 2);
    const url = articleUrl.replace('$1', encodeTitleForUrl(title ?? ''));
    return `[${text}](${url}${fragment ? `#${encodeURIComponent(fragment.replace(/ /g, '_'))}` : ''})`;
  });
  return internal.replace(/\[((?:https?:)?\/\/[^\s\]]+)\s+([^\]]+)\]/g, '[$2]($1)').replace(/\[((?:https?:)?\/\/[^\s\]]+)\]/g, '<$1>');
}

function convertInline(text: string): string {
  return text
    .replace(/'''''(.+?)'''''/g, '***$1***')
    .replace(/'''(.+?)'''/g, '**$1**')
    .replace(/''(.+?)''/g, '*$1*')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(b|strong)>/gi, '**')
    .replace(/<\/?(i|em)>/gi, '*')
    .replace(/<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/gi, '');
}

function splitCells(line: string, separator: '||' | '!!'): string[] {
  return line.split(separator).map((cell) => {
    // `style="…" | content`: attributes before a single pipe are not content.
    const pipe = cell.search(/(?<!\|)\|(?!\|)/);
    return pipe !== -1 && /=/.test(cell.slice(0, pipe)) ? cell.slice(pipe + 1) : cell;
  });
}

function convertTable(lines: string[]): string[] {
  const rows: string[][] = [];
  let caption: string | null = null;
  let row: string[] | null = null;
  const cellText = (text: string): string => convertInline(text).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('{|') || line.startsWith('|}')) continue;
    if (line.startsWith('|+')) caption = cellText(line.slice(2));
    else if (line.startsWith('|-')) row = null;
    else if (line.startsWith('!') || line.startsWith('|')) {
      if (row === null) {
        row = [];
        rows.push(row);
      }
      const cells = line.startsWith('!') ? splitCells(line.slice(1), '!!').flatMap((c) => splitCells(c, '||')) : splitCells(line.slice(1), '||');
      row.push(...cells.map(cellText));
    } else if (row !== null && row.length > 0) {
      row[row.length - 1] = `${row[row.length - 1]} ${cellText(line)}`.trim();
    }
  }
  const width = Math.max(0, ...rows.map((r) => r.length));
  if (width === 0) return caption ? [caption] : [];
  const pad = (r: string[]): string => `| ${[...r, ...Array(width - r.length).fill('')].join(' | ')} |`;
  const [header, ...body] = rows;
  return [...(caption ? [`**${caption}**`, ''] : []), pad(header ?? []), `|${' --- |'.repeat(width)}`, ...body.map(pad)];
}

function convertList(prefix: string, content: string): string {
  const depth = prefix.length - 1;
  const indent = '  '.repeat(depth);
  const last = prefix[prefix.length - 1];
  const text = convertInline(content.trim());
  if (last === '#') return `${indent}1. ${text}`;
  if (last === '*') return `${indent}- ${text}`;
  if (last === ';') {
    const [term, definition] = text.split(/\s:\s?/, 2);
    return definition === undefined ? `${indent}**${term}**` : `${indent}**${term}**: ${definition}`;
  }
  return `${indent}${text}`; // `:` indentation
}

/** Converts one page's wikitext to markdown. */
export function wikitextToMarkdown(wikitext: string, options: WikitextOptions = {}): string {
  const held: string[] = [];
  const hold = (markdown: string): string => `${HOLD}${held.push(markdown) - 1}${HOLD}`;
  let text = wikitext.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?(-->|$)/g, '');

  text = text
    .replace(/<nowiki>([\s\S]*?)<\/nowiki>/gi, (_m, inner: string) => hold(decodeHtmlEntities(inner)))
    .replace(/<(syntaxhighlight|source)\b([^>]*)>([\s\S]*?)<\/\1>/gi, (_m, _tag, attrs: string, code: string) => {
      const lang = /lang\s*=\s*"?([\w+#-]+)/i.exec(attrs)?.[1] ?? '';
      return `\n${hold(`\`\`\`${lang}\n${code.replace(/^\n+|\n+$/g, '')}\n\`\`\``)}\n`;
    })
    .replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>/gi, (_m, code: string) => `\n${hold(`\`\`\`\n${decodeHtmlEntities(code).replace(/^\n+|\n+$/g, '')}\n\`\`\``)}\n`)
    .replace(/<code>([\s\S]*?)<\/code>/gi, (_m, code: string) => hold(`\`${decodeHtmlEntities(code)}\``))
    .replace(/<ref\b[^>/]*\/>/gi, '')
    .replace(/<ref\b[^>]*>[\s\S]*?<\/ref>/gi, '')
    .replace(/<(references|gallery|includeonly|templatedata|indicator)\b[^>]*(\/>|>[\s\S]*?<\/\1>)/gi, '')
    .replace(/<\/?(noinclude|onlyinclude)>/gi, '')
    .replace(/__[A-Z]+__/g, '');
  text = removeBalanced(text, '{{', '}}');
  text = convertLinks(text, options.articleUrl ?? null);

  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*\{\|/.test(line)) {
      const table: string[] = [];
      let depth = 0;
      for (; i < lines.length; i++) {
        const current = lines[i] ?? '';
        if (/^\s*\{\|/.test(current)) depth++;
        if (/^\s*\|\}/.test(current)) depth--;
        table.push(current);
        if (depth === 0) break;
      }
      out.push('', ...convertTable(table), '');
      continue;
    }
    const heading = /^(={1,6})\s*(.+?)\s*\1\s*$/.exec(line);
    if (heading) {
      out.push('', `${'#'.repeat(Math.max(2, (heading[1] ?? '').length))} ${convertInline(heading[2] ?? '')}`, '');
      continue;
    }
    const list = /^([*#:;]+)\s*(.*)$/.exec(line);
    if (list) {
      out.push(convertList(list[1] ?? '*', list[2] ?? ''));
      continue;
    }
    if (/^-{4,}\s*$/.test(line)) {
      out.push('', '---', '');
      continue;
    }
    // A line starting with a space is preformatted text in wikitext.
    if (/^ \S/.test(line) && !line.includes(HOLD)) {
      out.push(`    ${decodeHtmlEntities(line.slice(1))}`);
      continue;
    }
    out.push(convertInline(line));
  }

  return decodeHtmlEntities(out.join('\n'))
    .replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, 'g'), (_m, index: string) => held[Number(index)] ?? '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
