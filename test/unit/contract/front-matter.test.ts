import { describe, expect, it } from 'vitest';
import { readAcl, readFrontMatter, readUpdatedAt, UPDATED_AT_KEYS } from '../../../connectors/contract/text/front-matter.js';
import { parseMarkdownPage } from '../../../connectors/markdown/parse-page.js';
import { parseMarkdownDocument } from '../../../src/ingest/markdown-folder.js';

const mtime = new Date('2024-05-05T05:05:05Z');

describe('readFrontMatter', () => {
  it('reads `---` and `---yaml` blocks as YAML data, anything else as body text', () => {
    expect(readFrontMatter('---\ntitle: A\n---\nbody')).toEqual({ data: { title: 'A' }, body: 'body', error: null });
    expect(readFrontMatter('\uFEFF---yaml\ntitle: A\n...\nbody')).toEqual({ data: { title: 'A' }, body: 'body', error: null });
    expect(readFrontMatter('---js\n{ title: "A" }\n---\nbody')).toEqual({ data: {}, body: '---js\n{ title: "A" }\n---\nbody', error: null });
    expect(readFrontMatter('no front matter')).toEqual({ data: {}, body: 'no front matter', error: null });
  });

  it('keeps JavaScript tags as strings and reports broken YAML without losing the page', () => {
    expect(readFrontMatter('---\nf: !!js/function "function () {}"\n---\nx').data).toEqual({ f: 'function () {}' });
    const broken = readFrontMatter('---\ntitle: [unclosed\n---\nx');
    expect(broken.error).toMatch(/^front matter is not valid YAML/);
    expect(broken.body).toContain('x');
  });

  it('refuses alias expansion bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(readFrontMatter(`---\n${bomb}\n---\nx`).error).toMatch(/not valid YAML/);
  });
});

describe('one set of date keys for ingest and the markdown connector', () => {
  it.each(UPDATED_AT_KEYS.map((key) => [key]))('%s gives the update time in both', (key) => {
    const page = `---\n${key}: 2025-03-12\n---\nbody`;
    expect(readUpdatedAt(readFrontMatter(page).data)).toBe('2025-03-12T00:00:00.000Z');
    expect(parseMarkdownPage('p.md', page, mtime).updatedAt).toBe('2025-03-12T00:00:00.000Z');
    expect(parseMarkdownDocument(page, 'p.md', mtime)).toMatchObject({ updatedAt: '2025-03-12T00:00:00.000Z' });
  });

  it('the first key present decides; a bad date is refused by ingest and replaced by the file time in the connector', () => {
    expect(readUpdatedAt({ date: '2020-01-01', updated_at: '2025-01-01' })).toBe('2025-01-01T00:00:00.000Z');
    expect(readUpdatedAt({ lastmod: 'someday', date: '2020-01-01' })).toEqual({ invalid: 'lastmod' });
    expect(parseMarkdownDocument('---\nlastmod: someday\n---\nx', 'x.md', mtime)).toEqual({ error: 'front matter lastmod is not a date' });
    expect(parseMarkdownPage('x.md', '---\nlastmod: someday\n---\nx', mtime).updatedAt).toBe(mtime.toISOString());
  });
});

describe('acl', () => {
  it('reads a list of principals in both readers; absent means everyone', () => {
    const page = '---\nacl:\n  - group:eng\n  - user:ana@example.com\n---\nbody';
    expect(parseMarkdownDocument(page, 'p.md', mtime)).toMatchObject({ acl: ['group:eng', 'user:ana@example.com'] });
    expect(parseMarkdownPage('p.md', page, mtime).acl).toEqual(['group:eng', 'user:ana@example.com']);
    expect(parseMarkdownPage('p.md', '---\nacl: []\n---\n', mtime).acl).toEqual([]);
    expect(readAcl({})).toBeUndefined();
    expect('acl' in (parseMarkdownDocument('body', 'p.md', mtime) as object)).toBe(false);
  });

  it('a malformed acl is refused by ingest and closes the page to all but service callers in the connector', () => {
    expect(readAcl({ acl: 'group:eng' })).toEqual({ invalid: 'acl must be a list of principals' });
    expect(parseMarkdownDocument('---\nacl: group:eng\n---\nx', 'x.md', mtime)).toEqual({ error: 'front matter acl must be a list of principals' });
    const page = parseMarkdownPage('x.md', '---\nacl: [1, 2]\n---\nx', mtime);
    expect(page.acl).toEqual([]);
    expect(page.problems).toHaveLength(1);
  });
});
