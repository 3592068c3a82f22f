// Converts the demo runbooks' markdown into plain wikitext for the test wiki, so that pages in
// MediaWiki look like a wiki's own (== headings ==, * lists, {| tables |}, [url label] links).

function convertInline(line: string): string {
  return line
    .replace(/`([^`]+)`/g, (_, code: string) => `<code>${code.replace(/</g, '&lt;')}</code>`)
    .replace(/\*\*([^*]+)\*\*/g, "'''$1'''")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1''$2''")
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '[$2 $1]')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '[[$1]]');
}

function convertTable(rows: string[]): string[] {
  const cells = (row: string): string[] =>
    row
      .replace(/^\s*\|/, '')
      .replace(/\|\s*$/, '')
      .split('|')
      .map((cell) => convertInline(cell.trim()));
  const [header, , ...body] = rows;
  const out = ['{| class="wikitable"'];
  if (header !== undefined) out.push(`! ${cells(header).join(' !! ')}`);
  for (const row of body) out.push('|-', `| ${cells(row).join(' || ')}`);
  out.push('|}');
  return out;
}

export function markdownToWikitext(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('```')) {
      const code: string[] = [];
      while (i + 1 < lines.length && !(lines[i + 1] ?? '').startsWith('```')) code.push(lines[++i] ?? '');
      i++;
      out.push('<pre>', ...code.map((c) => c.replace(/&/g, '&amp;').replace(/</g, '&lt;')), '</pre>');
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) {
      const rows: string[] = [];
      while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i] ?? '')) rows.push(lines[i++] ?? '');
      i--;
      out.push(...convertTable(rows));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const marks = '='.repeat(Math.min(6, (heading[1] ?? '#').length + 1));
      out.push(`${marks} ${convertInline(heading[2] ?? '')} ${marks}`);
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${'*'.repeat(1 + Math.floor((bullet[1] ?? '').length / 2))} ${convertInline(bullet[2] ?? '')}`);
      continue;
    }
    const numbered = /^(\s*)\d+[.)]\s+(.*)$/.exec(line);
    if (numbered) {
      out.push(`${'#'.repeat(1 + Math.floor((numbered[1] ?? '').length / 2))} ${convertInline(numbered[2] ?? '')}`);
      continue;
    }
    // A markdown list item's continuation line is indented; wikitext needs it on one line.
    const previous = out[out.length - 1];
    if (/^\s{2,}\S/.test(line) && previous !== undefined && /^[*#]/.test(previous)) {
      out[out.length - 1] = `${previous} ${convertInline(line.trim())}`;
      continue;
    }
    out.push(convertInline(line));
  }
  return out.join('\n');
}
