// Field resolution: configured names, detection from a `_mapping` response, and reading values.
import { describe, expect, it } from 'vitest';
import { fieldDate, fieldText, flattenMapping, readField, resolveFields } from '../../../connectors/elasticsearch/fields.js';

const cmsMapping = {
  'cms-2024': {
    mappings: {
      properties: {
        name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        content: { type: 'text' },
        link: { type: 'keyword' },
        '@timestamp': { type: 'date' },
        doc_id: { type: 'text', fields: { keyword: { type: 'keyword' } } },
        meta: { properties: { author: { type: 'keyword' } } },
      },
    },
  },
  'cms-2025': { mappings: { properties: { content: { type: 'keyword' }, extra: { type: 'long' } } } },
};

describe('field resolution', () => {
  it('flattens every index of a mapping response into dotted paths, first index winning', () => {
    const flat = flattenMapping(cmsMapping);
    expect(flat.get('name')).toBe('text');
    expect(flat.get('name.keyword')).toBe('keyword');
    expect(flat.get('meta.author')).toBe('keyword');
    expect(flat.get('content')).toBe('text');
    expect(flat.get('extra')).toBe('long');
  });

  it('detects title, body, url and date from candidate names of fitting types', () => {
    expect(resolveFields({}, flattenMapping(cmsMapping))).toEqual({
      id: '_id',
      idLookup: '_id',
      title: 'name',
      body: 'content',
      url: 'link',
      updatedAt: '@timestamp',
    });
  });

  it('does not take a field of the wrong type (a keyword body, a text date)', () => {
    const flat = new Map([
      ['body', 'keyword'],
      ['text', 'text'],
      ['date', 'text'],
    ]);
    expect(resolveFields({}, flat)).toMatchObject({ title: null, body: 'text', url: null, updatedAt: null });
  });

  it('lets configured names win, and looks a text id up through its keyword sub-field', () => {
    const fields = resolveFields({ id: 'doc_id', title: 'meta.author', updated_at: 'when' }, flattenMapping(cmsMapping));
    expect(fields).toMatchObject({ id: 'doc_id', idLookup: 'doc_id.keyword', title: 'meta.author', body: 'content', updatedAt: 'when' });
  });

  it('uses the ingest defaults when the index does not exist yet', () => {
    expect(resolveFields({ body: 'text' }, null)).toEqual({
      id: '_id',
      idLookup: '_id',
      title: 'title',
      body: 'text',
      url: 'url',
      updatedAt: 'updated_at',
    });
  });

  it('reads nested and literally dotted paths', () => {
    expect(readField({ meta: { title: 'A' } }, 'meta.title')).toBe('A');
    expect(readField({ 'meta.title': 'B' }, 'meta.title')).toBe('B');
    expect(readField({ meta: 'flat' }, 'meta.title')).toBeUndefined();
    expect(readField(undefined, 'x')).toBeUndefined();
    expect(readField({ x: 1 }, null)).toBeUndefined();
  });

  it('turns values into text and dates', () => {
    expect(fieldText(['a', 'b'], '\n')).toBe('a\nb');
    expect(fieldText(42)).toBe('42');
    expect(fieldText({ nested: true })).toBe('');
    expect(fieldDate('2025-02-01')).toBe('2025-02-01T00:00:00.000Z');
    expect(fieldDate(1735689600000)).toBe('2025-01-01T00:00:00.000Z');
    expect(fieldDate('1735689600000')).toBe('2025-01-01T00:00:00.000Z');
    expect(fieldDate(['2025-03-01T10:00:00Z', '2020-01-01'])).toBe('2025-03-01T10:00:00.000Z');
    expect(fieldDate('yesterday')).toBeNull();
    expect(fieldDate(null)).toBeNull();
  });
});
