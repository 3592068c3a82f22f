// CQL building: user text can never become CQL or Lucene syntax, whatever it contains.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScopeCql, buildSearchCql, escapeCqlText, formatCqlDate, quoteCqlString } from '../../../connectors/confluence/cql.js';
import { parseRetryAfter } from '../../../connectors/confluence/http-client.js';

describe('escapeCqlText', () => {
  it('keeps words, lower-cased, and drops every operator character', () => {
    expect(escapeCqlText('Remote "work" AND (policy)*~2')).toBe('"remote work and policy 2"');
    expect(escapeCqlText('Café über naïve')).toBe('"café über naïve"');
    expect(escapeCqlText('\\" OR 1=1 --')).toBe('"or 1 1"');
    expect(escapeCqlText('*** () ""')).toBeNull();
    // lower-cased, "İ" is "i" plus a combining dot: not a letter, so it is dropped
    expect(escapeCqlText('İstanbul')).toBe('"istanbul"');
  });

  it('yields a single quoted literal of letters, digits and spaces for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        const literal = escapeCqlText(input);
        if (literal !== null) expect(literal).toMatch(/^"[\p{L}\p{N}]+( [\p{L}\p{N}]+)*"$/u);
      }),
      { numRuns: 500 },
    );
  });

  it('caps the number of words', () => {
    expect(escapeCqlText('w '.repeat(500))?.split(' ')).toHaveLength(32);
  });
});

describe('quoteCqlString', () => {
  it('escapes backslashes and quotes and removes control characters', () => {
    expect(quoteCqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c d"');
  });
});

describe('buildSearchCql', () => {
  it('combines the text, scope and date clauses', () => {
    expect(buildSearchCql('deploy', { field: 'siteSearch', spaces: ['OPS', '~jdoe'], types: ['page'], modifiedSince: new Date('2025-01-02T03:04:59Z') })).toBe(
      'siteSearch ~ "deploy" AND type in ("page") AND space in ("OPS", "~jdoe") AND lastmodified >= "2025-01-02 03:04"',
    );
    expect(buildSearchCql('?!', { field: 'text', spaces: [], types: ['page'], modifiedSince: null })).toBeNull();
    expect(buildScopeCql({ spaces: [], types: ['page', 'blogpost'] })).toBe('type in ("page", "blogpost")');
    expect(formatCqlDate(new Date('1999-12-31T23:59:00Z'))).toBe('1999-12-31 23:59');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT'))).toBe(0);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
