import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeUrl, canonicalizeWithParser } from '../../../src/federation/canonical-url.js';
import { dedupeHits } from '../../../src/federation/dedupe.js';
import { fuseRankings } from '../../../src/federation/fuse.js';
import { qualifyHits } from '../../../src/federation/qualify.js';
import type { SourceHit } from '../../../connectors/contract/types.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['HTTPS://Docs.Example.COM/Guide/Deploy/', 'https://docs.example.com/Guide/Deploy'],
    ['http://docs.example.com/guide#rollback', 'https://docs.example.com/guide'],
    ['https://docs.example.com/guide?utm_source=x&utm_medium=y&gclid=1&fbclid=2&id=7', 'https://docs.example.com/guide?id=7'],
    ['https://docs.example.com/guide?b=2&a=1', 'https://docs.example.com/guide?a=1&b=2'],
    ['https://docs.example.com:443/guide', 'https://docs.example.com/guide'],
    ['https://docs.example.com:8443/guide', 'https://docs.example.com:8443/guide'],
    ['https://docs.example.com/', 'https://docs.example.com'],
  ])('%s → %s', (raw, expected) => {
    expect(canonicalizeUrl(raw)).toBe(expected);
  });

  it('keeps the path case and the order of repeated parameters', () => {
    expect(canonicalizeUrl('https://x.org/A?t=2&t=1')).toBe('https://x.org/A?t=2&t=1');
  });

  it('gives the parser’s answer on its fast path too (property)', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,8}$/);
    const tld = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,5}$/);
    const segment = fc.stringMatching(/^[A-Za-z0-9\-_~!$&'()*+,;=:@.%]{0,8}$/);
    const url = fc
      .tuple(
        fc.constantFrom('http', 'https', 'HTTPS'),
        fc.array(label, { maxLength: 3 }),
        tld,
        fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: undefined }),
        fc.array(segment, { maxLength: 4 }),
        fc.option(fc.constantFrom('#top', '#', '#a/b?c'), { nil: undefined }),
      )
      .map(
        ([scheme, labels, last, port, path, fragment]) =>
          `${scheme}://${[...labels, last].join('.')}${port === undefined ? '' : `:${port}`}${path.map((part) => `/${part}`).join('')}${fragment ?? ''}`,
      );
    fc.assert(
      fc.property(url, (raw) => {
        expect(canonicalizeUrl(raw)).toBe(canonicalizeWithParser(raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers null for what is not an absolute http(s) URL', () => {
    expect(canonicalizeUrl('not a url')).toBeNull();
    expect(canonicalizeUrl('/relative/path')).toBeNull();
    expect(canonicalizeUrl('mailto:a@b.c')).toBeNull();
  });
});

function hit(id: string, extra: Partial<SourceHit> = {}): SourceHit {
  return { nativeId: id, title: `Title ${id}`, snippet: '', url: null, score: 1, updatedAt: null, ...extra };
}

function fused(...lists: Array<[string, SourceHit[]]>) {
  return fuseRankings(
    lists.map(([source, list], order) => qualifyHits(source, order, 1, list, 50)),
    { mode: 'rrf', rrfK: 60 },
  );
}

describe('dedupeHits', () => {
  it('merges the same page found by two sources; the better-ranked one survives with also_in', () => {
    const result = dedupeHits(
      fused(
        ['wiki', [hit('w1', { url: 'https://docs.example.com/deploy/' }), hit('w2')]],
        ['search', [hit('s1', { url: 'http://DOCS.example.com/deploy?utm_campaign=z#top' }), hit('s2')]],
      ),
    );
    expect(result.map((item) => item.id)).toEqual(['wiki:w1', 'wiki:w2', 'search:s2']);
    expect(result[0]?.alsoIn).toEqual(['search:s1']);
    expect(result[1]?.alsoIn).toEqual([]);
  });

  it('merges by normalised title plus content hash when URLs differ or are missing', () => {
    const result = dedupeHits(
      fused(
        ['a', [hit('a1', { title: 'Deploy  Guide', contentHash: 'h1' })]],
        ['b', [hit('b1', { title: 'deploy guide', contentHash: 'h1' }), hit('b2', { title: 'deploy guide', contentHash: 'h2' })]],
      ),
    );
    expect(result.map((item) => item.id)).toEqual(['a:a1', 'b:b2']);
    expect(result[0]?.alsoIn).toEqual(['b:b1']);
  });

  it('does not merge on title alone', () => {
    const result = dedupeHits(fused(['a', [hit('a1', { title: 'Intro' })]], ['b', [hit('b1', { title: 'Intro' })]]));
    expect(result).toHaveLength(2);
  });

  it('joins chains: A≈B by URL and B≈C by title+hash make one group', () => {
    const result = dedupeHits(
      fused(
        ['a', [hit('a1', { url: 'https://x.org/p' })]],
        ['b', [hit('b1', { url: 'https://x.org/p/', title: 'P', contentHash: 'h' })]],
        ['c', [hit('c1', { title: 'p', contentHash: 'h' })]],
      ),
    );
    expect(result.map((item) => item.id)).toEqual(['a:a1']);
    expect(result[0]?.alsoIn).toEqual(['b:b1', 'c:c1']);
  });
});
