// Confluence page bodies to markdown: the storage format's macros (code, panels, expands, tasks,
// links, images) become plain markdown; navigation and dynamic macros (toc, children, jira…) go.
import { htmlToMarkdown, type DomElement, type HtmlToMarkdownOptions } from '../contract/text/html-to-markdown.js';

/** Macros whose rich-text body is the content itself; the value is a label, if any. */
const BODY_MACROS: Readonly<Record<string, string | null>> = {
  info: 'Info',
  note: 'Note',
  warning: 'Warning',
  tip: 'Tip',
  panel: null,
  expand: null,
  details: null,
  section: null,
  column: null,
  excerpt: null,
  'ui-expand': null,
  'ui-tabs': null,
  'ui-tab': null,
  div: null,
};
const CODE_MACROS = new Set(['code', 'noformat']);

function children(element: DomElement): DomElement[] {
  return Array.from(element.childNodes);
}

function childNamed(element: DomElement, nodeName: string): DomElement | null {
  return children(element).find((c) => c.nodeName === nodeName) ?? null;
}

function parameter(macro: DomElement, name: string): string | null {
  const param = children(macro).find((c) => c.nodeName === 'AC:PARAMETER' && c.getAttribute('ac:name') === name);
  return param?.textContent?.trim() || null;
}

function fence(code: string, language: string | null): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `\n\n${ticks}${language ?? ''}\n${code.replace(/\n$/, '')}\n${ticks}\n\n`;
}

function macroToMarkdown(content: string, macro: DomElement): string {
  const name = (macro.getAttribute('ac:name') ?? '').toLowerCase();
  if (CODE_MACROS.has(name)) {
    const body = childNamed(macro, 'AC:PLAIN-TEXT-BODY')?.textContent ?? '';
    return fence(body, name === 'code' ? parameter(macro, 'language') : null);
  }
  if (name === 'status') {
    const title = parameter(macro, 'title');
    return title === null ? '' : `[${title}]`;
  }
  if (name in BODY_MACROS) {
    const title = parameter(macro, 'title');
    const label = BODY_MACROS[name] ?? null;
    const heading = [label, title].filter((part) => part !== null).join(': ');
    const body = content.trim();
    if (body === '') return '';
    if (label !== null) {
      const quoted = `${heading ? `**${heading}**\n\n` : ''}${body}`.split('\n').map((line) => (line === '' ? '>' : `> ${line}`));
      return `\n\n${quoted.join('\n')}\n\n`;
    }
    return `\n\n${heading ? `**${heading}**\n\n` : ''}${body}\n\n`;
  }
  // toc, children, jira, recently-updated, include, attachments…: generated or remote content.
  return '';
}

function linkToMarkdown(content: string, link: DomElement): string {
  const text = content.trim();
  if (text !== '') return text;
  const page = childNamed(link, 'RI:PAGE') ?? childNamed(link, 'RI:BLOG-POST');
  const target = page?.getAttribute('ri:content-title') ?? childNamed(link, 'RI:ATTACHMENT')?.getAttribute('ri:filename');
  const anchor = link.getAttribute('ac:anchor');
  return target ?? anchor ?? '';
}

function taskToMarkdown(content: string, task: DomElement): string {
  const done = (childNamed(task, 'AC:TASK-STATUS')?.textContent ?? '').trim() === 'complete';
  return `\n- [${done ? 'x' : ' '}] ${content.trim().replace(/\n+/g, ' ')}`;
}

/** `<ac:image>` as a real `<img>` (external URL) or its alt text (attachments are not reachable). */
function imageToHtml(attributes: string, inner: string): string {
  const attr = (source: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(source)?.[1] ?? null;
  const alt = attr(attributes, 'ac:alt') ?? attr(attributes, 'ac:title') ?? '';
  const url = attr(inner, 'ri:value');
  if (url !== null && /^https?:\/\//i.test(url)) return `<img src="${url}" alt="${alt}">`;
  return alt === '' ? '' : `<span>${alt}</span>`;
}

const STORAGE_RULES: NonNullable<HtmlToMarkdownOptions['rules']> = [
  { name: 'confluenceMacro', filter: (e) => e.nodeName === 'AC:STRUCTURED-MACRO' || e.nodeName === 'AC:MACRO', replacement: macroToMarkdown },
  { name: 'confluenceLink', filter: (e) => e.nodeName === 'AC:LINK', replacement: linkToMarkdown },
  { name: 'confluenceTask', filter: (e) => e.nodeName === 'AC:TASK', replacement: taskToMarkdown },
  { name: 'confluenceTaskList', filter: (e) => e.nodeName === 'AC:TASK-LIST', replacement: (content) => `\n${content}\n\n` },
];

/** Metadata, placeholders and emoticons carry nothing a reader needs. */
function isStorageNoise(element: DomElement): boolean {
  const name = element.nodeName;
  return (
    name === 'AC:PARAMETER' ||
    name === 'AC:PLACEHOLDER' ||
    name === 'AC:EMOTICON' ||
    name === 'AC:TASK-ID' ||
    name === 'AC:TASK-STATUS' ||
    name === 'AC:TASK-UUID' ||
    name === 'AC:INLINE-COMMENT-MARKER-REF' ||
    name.startsWith('RI:') ||
    name === 'AC:ADF-ATTRIBUTE'
  );
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * HTML parsing would read CDATA as a comment, `<ri:page/>` as an open tag, and collapse the line
 * breaks of code; so CDATA becomes text, self-closing tags get closed, and plain bodies sit in <pre>.
 */
export function prepareStorageXml(storage: string): string {
  return (
    storage
      .replace(
        /<ac:plain-text-body>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/ac:plain-text-body>/g,
        (_m, text: string) => `<ac:plain-text-body><pre>${escapeText(text)}</pre></ac:plain-text-body>`,
      )
      .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, text: string) => escapeText(text))
      .replace(/<ac:image\b([^>]*?)\/>/g, (_m, attributes: string) => imageToHtml(attributes, ''))
      .replace(/<ac:image\b([^>]*)>([\s\S]*?)<\/ac:image>/g, (_m, attributes: string, inner: string) => imageToHtml(attributes, inner))
      .replace(/<((?:ac|ri):[a-z-]+)((?:\s+[^\s=>]+(?:="[^"]*"|='[^']*')?)*)\s*\/>/gi, '<$1$2></$1>')
      // A link without a body shows its target's title; as text, so inline spacing survives.
      .replace(
        /(<ac:link\b[^>]*>)\s*(<ri:(?:page|blog-post|attachment)\b[^>]*\bri:(?:content-title|filename)="([^"]*)"[^>]*><\/ri:[a-z-]+>)\s*<\/ac:link>/g,
        '$1$2<ac:link-body>$3</ac:link-body></ac:link>',
      )
  );
}

/** Converts `body.storage` (Confluence XHTML with macros) to markdown. */
export function storageToMarkdown(storage: string, baseUrl: string | null): string {
  return htmlToMarkdown(prepareStorageXml(storage), { baseUrl, rules: STORAGE_RULES, drop: isStorageNoise });
}

/** Converts `body.view` / `body.export_view` (rendered HTML) to markdown. */
export function viewToMarkdown(html: string, baseUrl: string | null): string {
  return htmlToMarkdown(html, {
    baseUrl,
    drop: (e) => {
      const cls = e.getAttribute('class') ?? '';
      return /\b(confluence-information-macro-icon|toc-macro|aui-icon|expand-control|confluence-anchor-link)\b/.test(cls);
    },
  });
}
