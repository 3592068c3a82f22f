// Converts wiki HTML (Confluence, MediaWiki, any page body) into readable markdown for agents:
// headings, lists, tables, links and code kept; scripts, styles, navigation and chrome dropped.
import TurndownService from 'turndown';

/** The slice of the DOM (domino, inside turndown) that the rules below read. */
export interface DomElement {
  nodeName: string;
  nodeType: number;
  textContent: string | null;
  parentNode: DomElement | null;
  childNodes: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export type DropFilter = (element: DomElement) => boolean;

export interface HtmlToMarkdownOptions {
  /** Resolves relative links and images (e.g. `https://wiki.example.com/wiki/`). */
  baseUrl?: string | null;
  /** Extra elements to drop with their content (site chrome, edit links, macros). */
  drop?: DropFilter;
  /** Extra turndown rules, applied before the built-in ones. */
  rules?: Array<{ name: string; filter: (element: DomElement) => boolean; replacement: (content: string, element: DomElement) => string }>;
}

const DROPPED_TAGS = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'NAV',
  'IFRAME',
  'FORM',
  'BUTTON',
  'INPUT',
  'SELECT',
  'TEXTAREA',
  'HEADER',
  'FOOTER',
  'ASIDE',
  'SVG',
  'CANVAS',
  'OBJECT',
  'EMBED',
  'VIDEO',
  'AUDIO',
  'MAP',
  'HEAD',
  'TITLE',
  'META',
  'LINK',
]);
const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search', 'menu', 'menubar', 'toolbar']);

function isChrome(element: DomElement): boolean {
  if (DROPPED_TAGS.has(element.nodeName)) return true;
  if (element.getAttribute('aria-hidden') === 'true' || element.getAttribute('hidden') !== null) return true;
  const role = element.getAttribute('role');
  return role !== null && DROPPED_ROLES.has(role);
}

function resolveUrl(href: string, baseUrl: string | null | undefined): string | null {
  const trimmed = href.trim();
  if (trimmed === '' || /^(javascript|data|vbscript):/i.test(trimmed)) return null;
  if (trimmed.startsWith('#')) return null;
  try {
    return baseUrl ? new URL(trimmed, baseUrl).toString() : new URL(trimmed).toString();
  } catch {
    // Relative link and no base: keep it as written; the agent can still read it.
    return trimmed;
  }
}

function closestTable(element: DomElement): DomElement | null {
  let current = element.parentNode;
  while (current !== null && current.nodeName !== 'TABLE') current = current.parentNode;
  return current;
}

/** One cell's markdown on one line, pipes escaped, so a GFM table row stays intact. */
function cellText(service: TurndownService, cell: DomElement): string {
  const markdown = service.turndown(cell as unknown as Parameters<TurndownService['turndown']>[0]);
  return markdown
    .replace(/\s*\n+\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function tableToMarkdown(service: TurndownService, table: DomElement): string {
  const rows: string[][] = [];
  let headerRows = 0;
  for (const row of Array.from(table.querySelectorAll('tr'))) {
    if (closestTable(row) !== table) continue;
    const cells = Array.from(row.childNodes).filter((c) => c.nodeName === 'TD' || c.nodeName === 'TH');
    if (cells.length === 0) continue;
    const texts: string[] = [];
    for (const cell of cells) {
      texts.push(cellText(service, cell));
      // A spanning cell keeps the columns aligned by leaving the spanned ones empty.
      const span = Number.parseInt(cell.getAttribute('colspan') ?? '1', 10);
      for (let i = 1; i < Math.min(Number.isFinite(span) ? span : 1, 50); i++) texts.push('');
    }
    if (rows.length === headerRows && cells.every((c) => c.nodeName === 'TH')) headerRows++;
    rows.push(texts);
  }
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((r) => r.length));
  const line = (cells: string[]) => `| ${[...cells, ...Array<string>(width - cells.length).fill('')].join(' | ')} |`;
  // GFM needs exactly one header row; without <th> the first row serves as the header.
  const [header, ...body] = rows;
  const out = [line(header ?? []), `|${' --- |'.repeat(width)}`, ...body.map(line)];
  return `\n\n${out.join('\n')}\n\n`;
}

function createService(options: HtmlToMarkdownOptions): TurndownService {
  const customRules = options.rules ?? [];
  const service = new TurndownService({
    // Turndown skips rules for elements without text; custom rules may still have something to say
    // (a Confluence link to a page title, an image's alt text).
    blankReplacement: (_content, node) => {
      const element = node as unknown as DomElement & { isBlock?: boolean };
      const rule = customRules.find((r) => r.filter(element));
      if (rule !== undefined) return rule.replacement('', element);
      return element.isBlock ? '\n\n' : '';
    },
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
  });
  const drop = options.drop;
  service.remove(((node: unknown) => {
    const element = node as DomElement;
    return isChrome(element) || drop?.(element);
  }) as TurndownService.FilterFunction);
  for (const rule of customRules) {
    service.addRule(rule.name, {
      filter: ((node: unknown) => rule.filter(node as DomElement)) as TurndownService.FilterFunction,
      replacement: (content, node) => rule.replacement(content, node as unknown as DomElement),
    });
  }
  service.addRule('table', {
    filter: 'table',
    replacement: (_content, node) => tableToMarkdown(service, node as unknown as DomElement),
  });
  service.addRule('link', {
    filter: ((node: unknown) => (node as DomElement).nodeName === 'A') as TurndownService.FilterFunction,
    replacement: (content, node) => {
      const href = (node as unknown as DomElement).getAttribute('href');
      const text = content.trim();
      const url = href === null ? null : resolveUrl(href, options.baseUrl);
      if (text === '') return '';
      return url === null ? text : `[${text}](${url.replace(/[()]/g, (c) => encodeURIComponent(c))})`;
    },
  });
  service.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const element = node as unknown as DomElement;
      const alt = (element.getAttribute('alt') ?? '').replace(/[[\]\n]/g, ' ').trim();
      const src = resolveUrl(element.getAttribute('src') ?? '', options.baseUrl);
      // Agents cannot see pictures; inline data would only cost tokens.
      if (src === null) return alt;
      return `![${alt}](${src})`;
    },
  });
  return service;
}

/** Converts an HTML fragment or page to markdown; never throws on malformed HTML. */
export function htmlToMarkdown(html: string, options: HtmlToMarkdownOptions = {}): string {
  if (html.trim() === '') return '';
  const markdown = createService(options).turndown(html);
  return markdown
    .replace(/^[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
