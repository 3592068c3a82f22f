// Every relative link in README.md and docs/ must lead somewhere: the file or folder exists and,
// for links into markdown, the #anchor names one of its headings.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DocTree, findBrokenLinks, headingSlug, markdownAnchors, markdownLinks } from './link-check.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  return ['README.md', ...docs.sort()];
}

const disk: DocTree = {
  exists: (file) => existsSync(path.join(ROOT, file)),
  read: (file) => readFileSync(path.join(ROOT, file), 'utf8'),
};

function sampleTree(files: Record<string, string>, folders: string[] = []): DocTree {
  return {
    exists: (file) => file in files || folders.includes(file.replace(/\/$/, '')),
    read: (file) => files[file] ?? '',
  };
}

describe('links in README.md and docs/', () => {
  it('all lead to an existing file and, in markdown, an existing heading', () => {
    const broken = findBrokenLinks(docFiles(), disk).map((link) => `${link.file}:${link.line} ${link.target}: ${link.reason}`);
    expect(broken).toEqual([]);
  });

  it('checks every page under docs/, nested folders included', () => {
    expect(docFiles()).toContain('docs/architecture.md');
    expect(docFiles()).toContain('docs/connectors/postgres.md');
  });
});

describe('the link checker', () => {
  const files = {
    'README.md': [
      '# Title',
      'See [setup](docs/setup.md#install-it), [gone](docs/gone.md) and [bad anchor](docs/setup.md#nowhere).',
      'Also [local](#title), [missing local](#nope), [folder](src/) and [outside](../elsewhere.md).',
      '[External](https://example.com/x.md#whatever) and [mail](mailto:a@example.com) are not checked.',
      '`[in code](docs/code.md)` is not a link.',
      '```',
      '[in a fence](docs/fence.md)',
      '```',
      '[ref]: docs/missing-ref.md',
    ].join('\n'),
    'docs/setup.md': '# Setup\n\n## Install it\n\nBack to the [README](../README.md#title).\n',
  };

  it('reports missing files, missing anchors and links leaving the repository, with their lines', () => {
    const broken = findBrokenLinks(['README.md', 'docs/setup.md'], sampleTree(files, ['src']));
    expect(broken.map((link) => [link.file, link.line, link.target])).toEqual([
      ['README.md', 2, 'docs/gone.md'],
      ['README.md', 2, 'docs/setup.md#nowhere'],
      ['README.md', 3, '#nope'],
      ['README.md', 3, '../elsewhere.md'],
      ['README.md', 9, 'docs/missing-ref.md'],
    ]);
  });

  it('finds nothing wrong once the targets exist', () => {
    const fixed = { ...files, 'README.md': '# Title\n\n[setup](docs/setup.md#install-it) · [top](#title)\n' };
    expect(findBrokenLinks(['README.md', 'docs/setup.md'], sampleTree(fixed))).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(headingSlug('Postgres sources (`kind: "postgres"`)')).toBe('postgres-sources-kind-postgres');
    expect(headingSlug('`get_document` and `list_sources`')).toBe('get_document-and-list_sources');
    expect(headingSlug('Load and soak: `npm run bench:load`')).toBe('load-and-soak-npm-run-benchload');
    expect(headingSlug('See [the docs](x.md) — now')).toBe('see-the-docs--now');
    expect([...markdownAnchors('# Ingest\n## Ingest\n<a id="custom"></a>\n```\n# not a heading\n```\n')]).toEqual(['ingest', 'ingest-1', 'custom']);
  });

  it('reads inline links with titles, angle brackets and parentheses', () => {
    expect(markdownLinks('[a](x.md "title") [b](<y z.md>) [c](f(1).md) ![img](i.png)').map((link) => link.target)).toEqual([
      'x.md',
      'y z.md',
      'f(1).md',
      'i.png',
    ]);
  });
});
