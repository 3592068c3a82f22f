import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../../src/cache/codec.js';
import { makeEntry } from '../../../src/cache/entry.js';

const options = { compressMinBytes: 1024, compression: 'deflate' as const };
const bigValue = { results: Array.from({ length: 40 }, (_, i) => ({ id: `handbook:${i}`, snippet: 'the **deploy** pipeline '.repeat(4) })) };

describe('cache entry codec', () => {
  it('keeps small values as plain JSON with their timestamps', () => {
    const entry = makeEntry({ query: 'vpn', results: [] }, 1_000, 60_000, 30_000);
    const bytes = encodeEntry(entry, options);
    expect(String.fromCharCode(bytes[0] ?? 0)).toBe('J');
    expect(decodeEntry(bytes)).toEqual(entry);
  });

  it('compresses large values with deflate and reads them back', () => {
    const entry = makeEntry(bigValue, 5, 10, 20);
    const bytes = encodeEntry(entry, options);
    expect(String.fromCharCode(bytes[0] ?? 0)).toBe('D');
    expect(bytes.length).toBeLessThan(JSON.stringify(bigValue).length / 3);
    expect(decodeEntry(bytes)).toEqual(entry);
  });

  it('compresses with brotli when asked, and any instance can read either format', () => {
    const entry = makeEntry(bigValue, 5, 10, 20);
    const bytes = encodeEntry(entry, { compressMinBytes: 1024, compression: 'brotli' });
    expect(String.fromCharCode(bytes[0] ?? 0)).toBe('B');
    expect(decodeEntry(bytes)).toEqual(entry);
  });

  it('reads foreign, truncated or corrupt bytes as a miss instead of throwing', () => {
    const good = encodeEntry(makeEntry(bigValue, 5, 10, 20), options);
    expect(decodeEntry(Buffer.from('{"plain":"json from someone else"}'))).toBeNull();
    expect(decodeEntry(good.subarray(0, 10))).toBeNull();
    const corrupt = Buffer.from(good);
    corrupt.fill(0x41, 30, 60);
    expect(decodeEntry(corrupt)).toBeNull();
  });
});
