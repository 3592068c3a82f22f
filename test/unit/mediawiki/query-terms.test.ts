// The escaping that keeps user text from acting as CirrusSearch or database search syntax, and the
// analysis that picks the one-term probes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeSearchQuery, escapeSearchText, joinSearchTexts, wordSearchText } from '../../../connectors/mediawiki/query-terms.js';

// Characters that mean something to CirrusSearch or to core's database search.
const SYNTAX = /["*?~\-!+:()[\]{}\\/^&|<>=']/;

describe('escapeSearchText', () => {
  it.each([
    ['intitle:foo -bar', 'intitle foo bar'],
    ['"exact phrase" OR other', 'exact phrase or other'],
    ['prefix:Help/ insource:/regex/', 'prefix help insource regex'],
    ['wild* card? fuzzy~2 !not', 'wild card fuzzy 2 not'],
    ['covid-19 (2020) && x || y', 'covid 19 2020 x y'],
    ["it's O'Reilly's", 'it s o reilly s'],
    ['Café Zürich', 'café zürich'],
  ])('turns %j into plain words %j', (input, expected) => {
    expect(escapeSearchText(input)).toBe(expected);
  });

  it('never lets a syntax character or an upper-case operator through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (input) => {
        const out = escapeSearchText(input);
        expect(out).not.toMatch(SYNTAX);
        expect(out).not.toMatch(/\b(AND|OR|NOT)\b/);
        expect(out.length).toBeLessThanOrEqual(280);
      }),
    );
  });

  it('answers an empty string for text without words', () => {
    expect(escapeSearchText('"* -- :: ()')).toBe('');
  });
});

describe('wordSearchText', () => {
  it('searches a stemmed word by its stem prefix so unstemmed search still finds other forms', () => {
    expect(wordSearchText('migrations', 'migrat', true)).toBe('migrat*');
    expect(wordSearchText('happy', 'happi', true)).toBe('happ*');
  });

  it('keeps short stems and unstemmed words exact, and never adds a wildcard when told not to', () => {
    expect(wordSearchText('cats', 'cat', true)).toBe('cats');
    expect(wordSearchText('kafka', 'kafka', true)).toBe('kafka');
    expect(wordSearchText('migrations', 'migrat', false)).toBe('migrations');
  });
});

describe('analyzeSearchQuery', () => {
  it('drops stop words and duplicate stems, and ranks rare-looking words first', () => {
    const terms = analyzeSearchQuery('How do I rotate the TLS certificates and certificate keys?', { prefixes: false });
    expect(terms.map((term) => term.word)).toEqual(['rotate', 'tls', 'certificates', 'keys']);
    const byInformativeness = [...terms].sort((a, b) => b.informativeness - a.informativeness).map((term) => term.word);
    expect(byInformativeness[0]).toBe('certificates');
    expect(byInformativeness.indexOf('tls')).toBeLessThan(byInformativeness.indexOf('keys'));
  });

  it('keeps stop words when the query has nothing else', () => {
    expect(analyzeSearchQuery('to be or not to be', { prefixes: false }).map((term) => term.word)).toEqual(['to', 'be', 'or', 'not']);
  });

  it('gives no terms for a query without words', () => {
    expect(analyzeSearchQuery('?! -- "', { prefixes: true })).toEqual([]);
  });

  it('joins terms into one AND search within the length bound', () => {
    const terms = analyzeSearchQuery(Array.from({ length: 60 }, (_, i) => `word${i}abc`).join(' '), { prefixes: false });
    const joined = joinSearchTexts(terms);
    expect(joined.length).toBeLessThanOrEqual(280);
    expect(joined.startsWith('word0abc word1abc')).toBe(true);
  });
});
