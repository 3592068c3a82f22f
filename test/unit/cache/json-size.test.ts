import { describe, expect, it } from 'vitest';
import { approximateJsonLength } from '../../../src/cache/json-size.js';

describe('approximateJsonLength', () => {
  it('equals the JSON text length for values of strings without escapes, integers, booleans and nulls', () => {
    const values: unknown[] = [
      'plain',
      '',
      0,
      7,
      -42,
      1234567890,
      true,
      false,
      null,
      [],
      {},
      [1, 'two', null, [3, [4]], { five: 5 }],
      { nested: { deeper: { list: [true, false], empty: '' } }, n: -1 },
      [undefined, 1],
      { skipped: undefined, kept: 'yes' },
    ];
    for (const value of values) expect(approximateJsonLength(value), JSON.stringify(value)).toBe(JSON.stringify(value).length);
  });

  it('is within a few percent of it for a search page with fractional scores', () => {
    const page = {
      results: Array.from({ length: 10 }, (_, index) => ({
        id: `handbook:doc-${index}`,
        title: `Parental leave policy ${index}`,
        snippet: `… the **parental** **leave** lasts sixteen weeks for every parent, paid in full (${index}) …`,
        url: `https://wiki.example.com/hr/parental-leave-${index}`,
        score: 12.345678901234 / (index + 1),
        source: 'handbook',
        updated_at: '2026-11-30T12:00:00.000Z',
        also_in: index % 3 === 0 ? [`runbooks:leave-${index}.md`] : [],
      })),
      next_cursor: 'eyJvIjoxMCwicSI6ImxlYXZlIn0.c2lnbmF0dXJl',
      partial: false,
      sources: [{ name: 'handbook', status: 'ok', took_ms: 3 }],
    };
    const exact = JSON.stringify(page).length;
    expect(Math.abs(approximateJsonLength(page) - exact) / exact).toBeLessThan(0.05);
  });
});
