import { describe, expect, it } from 'vitest';
import { contentHash, prepareDocument, type PreparedDocument } from '../../../connectors/postgres/prepare-document.js';

const ok = (result: ReturnType<typeof prepareDocument>) => result as PreparedDocument;

describe('prepareDocument', () => {
  it('normalises dates to ISO and keeps optional fields null', () => {
    expect(ok(prepareDocument({ id: 'a', title: 'A', text: 'body', updatedAt: '2025-01-02' }))).toMatchObject({
      id: 'a',
      url: null,
      updated_at: '2025-01-02T00:00:00.000Z',
      metadata: {},
    });
  });

  it('strips NUL everywhere, including metadata keys and nested values', () => {
    const doc = ok(
      prepareDocument({ id: 'i\u0000d', title: 't\u0000', text: 'b\u0000', url: 'u\u0000', metadata: { 'k\u0000': ['v\u0000', { n: 'w\u0000' }] } }),
    );
    expect(doc).toMatchObject({ id: 'id', title: 't', body: 'b', url: 'u', metadata: { k: ['v', { n: 'w' }] } });
  });

  it('refuses unusable ids and dates with a reason', () => {
    expect(prepareDocument({ id: '  ', title: '', text: '' })).toEqual({ error: 'empty id' });
    expect(prepareDocument({ id: 'x'.repeat(1025), title: '', text: '' })).toEqual({ error: 'id longer than 1024 characters' });
    expect(prepareDocument({ id: 'a', title: '', text: '', updatedAt: 'soon' })).toMatchObject({ error: expect.stringContaining('updated_at') });
  });

  it('changes the revision when any field changes, but not the content hash for spacing or case', () => {
    const base = ok(prepareDocument({ id: 'a', title: 'T', text: 'Hello  World' }));
    expect(ok(prepareDocument({ id: 'a', title: 'T', text: 'Hello  World' })).revision).toBe(base.revision);
    expect(ok(prepareDocument({ id: 'a', title: 'T2', text: 'Hello  World' })).revision).not.toBe(base.revision);
    expect(ok(prepareDocument({ id: 'a', title: 'T', text: 'Hello  World', metadata: { x: 1 } })).revision).not.toBe(base.revision);
    expect(base.content_hash).toBe(contentHash('hello world'));
    expect(contentHash(' HELLO\n\tworld ')).toBe(base.content_hash);
  });
});
