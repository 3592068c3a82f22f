import { describe, expect, it } from 'vitest';
import { sliceContent } from '../../../src/federation/content-page.js';
import { slicePage, sourceFetchLimit } from '../../../src/federation/page.js';

describe('slicePage', () => {
  const items = Array.from({ length: 25 }, (_, index) => index);

  it('asks each source for just enough to fill the page and see past it', () => {
    expect(sourceFetchLimit(0, 10)).toBe(11);
    expect(sourceFetchLimit(20, 10)).toBe(31);
  });

  it('slices [offset, offset + limit) and sees more when the list goes on', () => {
    expect(slicePage(items, 10, 10, false, 1000)).toEqual({ items: items.slice(10, 20), hasMore: true });
  });

  it('has no next page at the end of the list', () => {
    expect(slicePage(items, 20, 10, false, 1000)).toEqual({ items: items.slice(20, 25), hasMore: false });
    expect(slicePage(items, 15, 10, false, 1000).hasMore).toBe(false);
  });

  it('still sees more when a source filled its quota though de-duplication shortened the list', () => {
    expect(slicePage(items, 15, 10, true, 1000).hasMore).toBe(true);
  });

  it('stops at the result window', () => {
    expect(slicePage(items, 0, 10, true, 10).hasMore).toBe(false);
  });
});

describe('sliceContent', () => {
  it('returns the whole text when it fits', () => {
    expect(sliceContent('hello', 0, 100)).toEqual({ content: 'hello', truncated: false, next_offset: null });
  });

  it('pages through a long text without gaps or overlaps', () => {
    const text = 'abcdefghij';
    const parts: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = sliceContent(text, offset, 3);
      parts.push(page.content);
      offset = page.next_offset;
    }
    expect(parts).toEqual(['abc', 'def', 'ghi', 'j']);
  });

  it('never splits a surrogate pair', () => {
    const page = sliceContent('ab😀cd', 0, 3);
    expect(page).toEqual({ content: 'ab', truncated: true, next_offset: 2 });
    expect(sliceContent('ab😀cd', 2, 3).content).toBe('😀c');
  });

  it('answers empty content past the end', () => {
    expect(sliceContent('abc', 10, 5)).toEqual({ content: '', truncated: false, next_offset: null });
  });
});
