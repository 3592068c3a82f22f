// Finds broken relative links in markdown: a target file or folder that does not exist, or an
// #anchor that names no heading of the markdown file it points into. External links are not checked.

/** A link that leads nowhere, with where it was written and why it is broken. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** What the checker needs from the file system, so tests can hand it a sample tree. */
export interface DocTree {
  /** Whether a repository-relative path names an existing file or folder. */
  exists(path: string): boolean;
  /** The text of a repository-relative markdown file (only called for paths that exist). */
  read(path: string): string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const INLINE_LINK = /!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const HTML_ANCHOR = /<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The lines of a markdown text that are prose, with fenced code blocks blanked out (line numbers kept). */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const opener = FENCE.exec(line)?.[1];
    if (fence === null && opener) {
      fence = opener;
      return '';
    }
    if (fence !== null) {
      if (opener && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener) fence = null;
      return '';
    }
    return line;
  });
}

function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces become hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a markdown file offers: its headings' slugs (repeats get -1, -2, …) and HTML ids. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = HEADING.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of line.matchAll(HTML_ANCHOR)) if (match[1]) anchors.add(match[1]);
  }
  return anchors;
}

/** The link targets written in a markdown text, outside code, with their 1-based line numbers. */
export function markdownLinks(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  proseLines(markdown).forEach((raw, index) => {
    const line = withoutCodeSpans(raw);
    for (const match of line.matchAll(INLINE_LINK)) if (match[1] !== undefined) links.push({ line: index + 1, target: match[1] });
    const definition = REFERENCE_DEFINITION.exec(line)?.[1];
    if (definition) links.push({ line: index + 1, target: definition });
  });
  return links.map(({ line, target }) => ({ line, target: target.replace(/^<(.*)>$/, '$1') }));
}

function resolve(fromFile: string, pathPart: string): string {
  const base = pathPart.startsWith('/') ? [] : fromFile.split('/').slice(0, -1);
  for (const segment of pathPart.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (base.length === 0) return `../${pathPart}`;
      base.pop();
    } else base.push(segment);
  }
  return base.join('/');
}

/** Broken relative links in the given repository-relative markdown files. */
export function findBrokenLinks(files: readonly string[], tree: DocTree): BrokenLink[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let set = anchorsOf.get(file);
    if (!set) {
      set = markdownAnchors(tree.read(file));
      anchorsOf.set(file, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    for (const { line, target } of markdownLinks(tree.read(file))) {
      if (SCHEME.test(target) || target.startsWith('//')) continue;
      const hashAt = target.indexOf('#');
      const pathPart = decodeURI(hashAt === -1 ? target : target.slice(0, hashAt)).split('?')[0] ?? '';
      const anchor = hashAt === -1 ? null : decodeURIComponent(target.slice(hashAt + 1));
      const resolved = pathPart === '' ? file : resolve(file, pathPart);
      if (resolved.startsWith('../') || (pathPart !== '' && !tree.exists(resolved))) {
        broken.push({ file, line, target, reason: `no file or folder ${resolved}` });
        continue;
      }
      if (anchor !== null && /\.md$/i.test(resolved) && !anchors(resolved).has(anchor)) {
        broken.push({ file, line, target, reason: `no heading with anchor #${anchor} in ${resolved}` });
      }
    }
  }
  return broken;
}
