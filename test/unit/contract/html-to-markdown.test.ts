// HTML and Confluence storage format to markdown: structure kept, chrome and macros dropped.
import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from '../../../connectors/contract/text/html-to-markdown.js';
import { prepareStorageXml, storageToMarkdown, viewToMarkdown } from '../../../connectors/confluence/storage-to-markdown.js';

describe('htmlToMarkdown', () => {
  it('keeps headings, lists, links and code; drops scripts, styles and navigation', () => {
    const html = `<html><head><title>T</title><style>p{}</style></head><body>
      <nav><a href="/">Home</a></nav><header>Site</header><div role="navigation">Menu</div>
      <h1>Deploy</h1><p>Read <a href="/wiki/Rollback">rollback</a>, not <a href="javascript:evil()">this</a>.</p>
      <ul><li>one<ul><li>nested</li></ul></li></ul><pre><code class="language-sh">a\nb</code></pre>
      <script>alert(1)</script><footer>Footer</footer></body></html>`;
    const markdown = htmlToMarkdown(html, { baseUrl: 'https://wiki.example.com/' });
    expect(markdown).toContain('# Deploy');
    expect(markdown).toContain('Read [rollback](https://wiki.example.com/wiki/Rollback), not this.');
    expect(markdown).toMatch(/- {1,3}one\n\s+- {1,3}nested/);
    expect(markdown).toContain('```sh\na\nb\n```');
    for (const gone of ['alert', 'Home', 'Menu', 'Site', 'Footer', 'p{}']) expect(markdown).not.toContain(gone);
  });

  it('renders tables as GFM, with or without a header row, pipes escaped and spans padded', () => {
    const markdown = htmlToMarkdown(
      '<table><tr><th>A</th><th>B</th></tr><tr><td>x|y</td><td><p>two</p><p>lines</p></td></tr><tr><td colspan="2">wide</td></tr></table>' +
        '<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>',
    );
    expect(markdown).toBe(['| A | B |', '| --- | --- |', '| x\\|y | two lines |', '| wide |  |', '', '| 1 | 2 |', '| --- | --- |', '| 3 |  |'].join('\n'));
  });

  it('keeps image alt text but not inline data', () => {
    expect(htmlToMarkdown('<p><img src="data:image/png;base64,AAAA" alt="chart"> <img src="/a.png" alt="pic"></p>', { baseUrl: 'https://w.example/' })).toBe(
      'chart ![pic](https://w.example/a.png)',
    );
  });

  it('returns an empty string for empty input and survives broken HTML', () => {
    expect(htmlToMarkdown('  ')).toBe('');
    expect(htmlToMarkdown('<p>unclosed <b>bold <i>both')).toBe('unclosed **bold _both_**');
  });
});

describe('Confluence storage format', () => {
  it('keeps code macros verbatim, with line breaks and markup characters', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">sql</ac:parameter><ac:plain-text-body><![CDATA[SELECT *\nFROM t WHERE a < 1 AND b = \'_x_\';]]></ac:plain-text-body></ac:structured-macro>';
    expect(storageToMarkdown(storage, null)).toBe("```sql\nSELECT *\nFROM t WHERE a < 1 AND b = '_x_';\n```");
  });

  it('turns panels into quotes, expands into text, tasks into checkboxes, and drops dynamic macros', () => {
    const storage = [
      '<ac:structured-macro ac:name="warning"><ac:rich-text-body><p>Careful.</p></ac:rich-text-body></ac:structured-macro>',
      '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Details</ac:parameter><ac:rich-text-body><p>Hidden text.</p></ac:rich-text-body></ac:structured-macro>',
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Done thing</ac:task-body></ac:task></ac:task-list>',
      '<ac:structured-macro ac:name="toc"/><ac:structured-macro ac:name="children"/><ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">X-1</ac:parameter></ac:structured-macro>',
      '<p>Status <ac:structured-macro ac:name="status"><ac:parameter ac:name="title">DONE</ac:parameter></ac:structured-macro> <ac:emoticon ac:name="tick"/>ok</p>',
    ].join('');
    expect(storageToMarkdown(storage, null)).toBe(
      ['> **Warning**', '>', '> Careful.', '', '**Details**', '', 'Hidden text.', '', '- [x] Done thing', '', 'Status [DONE] ok'].join('\n'),
    );
  });

  it('shows page links by their text or target title, and external images by url', () => {
    const storage =
      '<p>See <ac:link><ri:page ri:content-title="Rollback &amp; Restore"/></ac:link>, <ac:link><ri:page ri:content-title="X"/><ac:plain-text-link-body><![CDATA[the X page]]></ac:plain-text-link-body></ac:link> and ' +
      '<ac:image ac:alt="graph"><ri:url ri:value="https://img.example/g.png"/></ac:image> <ac:image ac:alt="local"><ri:attachment ri:filename="l.png"/></ac:image>.</p>';
    expect(storageToMarkdown(storage, null)).toBe('See Rollback & Restore, the X page and ![graph](https://img.example/g.png) local.');
  });

  it('closes self-closing tags so that siblings are not swallowed', () => {
    expect(prepareStorageXml('<ri:page ri:content-title="A"/><p>x</p>')).toBe('<ri:page ri:content-title="A"></ri:page><p>x</p>');
  });

  it('cleans rendered view HTML of macro chrome', () => {
    const view =
      '<div class="confluence-information-macro"><span class="aui-icon confluence-information-macro-icon">i</span><div><p>Note body</p></div></div><div class="toc-macro"><ul><li>Intro</li></ul></div>';
    expect(viewToMarkdown(view, null)).toBe('Note body');
  });
});
