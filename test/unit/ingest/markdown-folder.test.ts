import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import type { InvalidRecord } from '../../../src/ingest/input-error.js';
import { listMarkdownFiles, parseMarkdownDocument, readMarkdownFolder } from '../../../src/ingest/markdown-folder.js';

const mtime = new Date('2024-05-05T05:05:05Z');

describe('parseMarkdownDocument', () => {
  it('takes id, title, url, date and metadata from the front matter', () => {
    const doc = parseMarkdownDocument(
      '---\nid: guide-1\ntitle: The Guide\nurl: https://w/guide\nupdated: 2025-03-12\ntags: [a, b]\n---\n# Heading\n\nBody text.\n',
      'team/guide.md',
      mtime,
    );
    expect(doc).toEqual({
      id: 'guide-1',
      title: 'The Guide',
      text: '# Heading\n\nBody text.',
      url: 'https://w/guide',
      updatedAt: '2025-03-12T00:00:00.000Z',
      metadata: { tags: ['a', 'b'], path: 'team/guide.md' },
    });
  });

  it('falls back to the path, the first heading and the file time', () => {
    expect(parseMarkdownDocument('Intro\n\n# Setting up  \nmore', 'a/b/setup.markdown', mtime)).toMatchObject({
      id: 'a/b/setup',
      title: 'Setting up',
      url: null,
      updatedAt: mtime.toISOString(),
    });
    expect(parseMarkdownDocument('no heading', 'notes.md', mtime)).toMatchObject({ title: 'notes' });
  });

  it('reports broken front matter and bad dates', () => {
    expect(parseMarkdownDocument('---\ntitle: [unclosed\n---\nx', 'x.md', mtime)).toMatchObject({ error: expect.stringContaining('front matter') });
    expect(parseMarkdownDocument('---\nupdated_at: someday\n---\nx', 'x.md', mtime)).toEqual({ error: 'front matter updated_at is not a date' });
  });
});

describe('readMarkdownFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kmcp-md-'));
    await mkdir(path.join(dir, 'sub'));
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, 'b.md'), '# B\nbee');
    await writeFile(path.join(dir, 'sub', 'a.md'), '---\ntitle: A\n---\nay');
    await writeFile(path.join(dir, 'bad.md'), '---\ntitle: [\n---\n');
    await writeFile(path.join(dir, '.git', 'hidden.md'), '# hidden');
    await writeFile(path.join(dir, 'notes.txt'), 'not markdown');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists markdown files in order, skipping hidden folders', async () => {
    expect(await listMarkdownFiles(dir)).toEqual(['b.md', 'bad.md', 'sub/a.md']);
  });

  it('yields documents and reports broken files when skipping invalid ones', async () => {
    const invalid: InvalidRecord[] = [];
    const docs: IngestDocument[] = [];
    for await (const doc of readMarkdownFolder(dir, { signal: AbortSignal.timeout(5000), skipInvalid: true, onInvalid: (r) => invalid.push(r) }))
      docs.push(doc);
    expect(docs.map((doc) => [doc.id, doc.title])).toEqual([
      ['b', 'B'],
      ['sub/a', 'A'],
    ]);
    expect(invalid).toEqual([{ file: path.join(dir, 'bad.md'), line: 1, reason: expect.stringContaining('front matter') }]);
  });
});
