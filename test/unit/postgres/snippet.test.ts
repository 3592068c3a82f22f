import { describe, expect, it } from 'vitest';
import { buildSpanSnippet, candidateWords, cleanQueryText, wordSpans } from '../../../connectors/postgres/snippet.js';

const matchAny =
  (...words: string[]) =>
  (word: string) =>
    words.includes(word);

describe('wordSpans', () => {
  it('finds letter and digit runs in any script, lower-cased, with their offsets', () => {
    expect(wordSpans('Ünïcode, COVID-19 & naïve')).toEqual([
      { start: 0, end: 7, word: 'ünïcode' },
      { start: 9, end: 14, word: 'covid' },
      { start: 15, end: 17, word: '19' },
      { start: 20, end: 25, word: 'naïve' },
    ]);
  });
});

describe('candidateWords', () => {
  it('keeps distinct words sharing a three-letter prefix with a lexeme', () => {
    const spans = wordSpans('Studies study stud the studio Studies');
    expect(candidateWords(spans, ['studi']).sort()).toEqual(['stud', 'studies', 'studio', 'study']);
    expect(candidateWords(spans, [])).toEqual([]);
  });
});

describe('buildSpanSnippet', () => {
  it('marks matched words and opens the window near the best cluster of distinct matches', () => {
    const text = `${'filler '.repeat(60)}the parental leave lasts sixteen weeks for every parent ${'tail '.repeat(60)}`;
    const snippet = buildSpanSnippet(text, wordSpans(text), matchAny('parental', 'leave', 'weeks'));
    expect(snippet).toMatch(/^… /);
    expect(snippet).toMatch(/ …$/);
    expect(snippet).toContain('**parental** **leave** lasts sixteen **weeks**');
  });

  it('starts at the beginning when nothing matches, and keeps short texts whole', () => {
    expect(buildSpanSnippet('Short text here.', wordSpans('Short text here.'), matchAny())).toBe('Short text here.');
    const long = 'word '.repeat(100);
    const snippet = buildSpanSnippet(long, wordSpans(long), matchAny());
    expect(snippet.startsWith('word word')).toBe(true);
    expect(snippet.endsWith(' …')).toBe(true);
  });

  it('removes markdown asterisks so only our markers remain, and flattens whitespace', () => {
    const text = 'Use **bold**\n\nand *the*   cryostat';
    expect(buildSpanSnippet(text, wordSpans(text), matchAny('cryostat'))).toBe('Use bold and the **cryostat**');
  });

  it('is bounded in length', () => {
    const text = `${'x'.repeat(5000)} match`;
    expect(buildSpanSnippet(text, wordSpans(text), matchAny('match')).length).toBeLessThanOrEqual(440);
  });
});

describe('cleanQueryText', () => {
  it('replaces NUL, which Postgres text cannot hold', () => {
    expect(cleanQueryText('a\u0000b')).toBe('a b');
  });
});
