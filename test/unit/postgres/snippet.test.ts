import { describe, expect, it } from 'vitest';
import { candidateWords, cleanQueryText, hitWords, snippetOfMatches, wordSpans, type WordSpan } from '../../../connectors/postgres/snippet.js';

/** The snippet of `text` with every span of one of `words` marked, span by span. */
function snippetMatching(text: string, ...words: string[]): string {
  const spans: WordSpan[] = wordSpans(text);
  return snippetOfMatches(
    text,
    spans,
    Uint8Array.from(spans, (span) => (words.includes(span.word) ? 1 : 0)),
  );
}

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
    const words = hitWords('Studies study stud the studio Studies');
    expect(candidateWords(words, ['studi']).sort()).toEqual(['stud', 'studies', 'studio', 'study']);
    expect(candidateWords(words, ['st', 'the']).sort()).toEqual(['the']);
    expect(candidateWords(words, [])).toEqual([]);
  });

  it('leaves out words longer than 64 characters', () => {
    const long = `stu${'d'.repeat(62)}`;
    expect(candidateWords(hitWords(`study ${long}`), ['studi'])).toEqual(['study']);
  });
});

describe('hitWords', () => {
  it('indexes every span of the text under its word, and is found again for the same text', () => {
    const text = 'Leave policy: parental leave, LEAVE of absence; policy review.';
    const words = hitWords(text);
    expect(words.spans).toEqual(wordSpans(text));
    expect(words.positions.get('leave')).toEqual([0, 3, 4]);
    expect([...words.positions.values()].flat().sort((a, b) => a - b)).toEqual(words.spans.map((_, index) => index));
    // a text equal to it, made separately (as every page of rows from the database is)
    expect(hitWords(`${text.slice(0, 10)}${text.slice(10)}`)).toBe(words);
  });

  it('gives the snippet of marking span by span when its matches are marked from the positions', () => {
    const texts = [
      `${'filler '.repeat(60)}the parental leave lasts sixteen weeks for every parent ${'tail '.repeat(60)}`,
      'Use **bold**\n\nand *the*   cryostat; Parental LEAVE, leave again.',
      'no match at all here',
      '',
    ];
    for (const text of texts) {
      const words = hitWords(text);
      const matched = new Uint8Array(words.spans.length);
      for (const word of ['parental', 'leave', 'cryostat', 'weeks']) for (const at of words.positions.get(word) ?? []) matched[at] = 1;
      expect(snippetOfMatches(text, words.spans, matched)).toBe(snippetMatching(text, 'parental', 'leave', 'cryostat', 'weeks'));
    }
  });
});

describe('snippetOfMatches', () => {
  it('marks matched words and opens the window near the best cluster of distinct matches', () => {
    const text = `${'filler '.repeat(60)}the parental leave lasts sixteen weeks for every parent ${'tail '.repeat(60)}`;
    const snippet = snippetMatching(text, 'parental', 'leave', 'weeks');
    expect(snippet).toMatch(/^… /);
    expect(snippet).toMatch(/ …$/);
    expect(snippet).toContain('**parental** **leave** lasts sixteen **weeks**');
  });

  it('starts at the beginning when nothing matches, and keeps short texts whole', () => {
    expect(snippetMatching('Short text here.')).toBe('Short text here.');
    const long = 'word '.repeat(100);
    const snippet = snippetMatching(long);
    expect(snippet.startsWith('word word')).toBe(true);
    expect(snippet.endsWith(' …')).toBe(true);
  });

  it('removes markdown asterisks so only our markers remain, and flattens whitespace', () => {
    const text = 'Use **bold**\n\nand *the*   cryostat';
    expect(snippetMatching(text, 'cryostat')).toBe('Use bold and the **cryostat**');
  });

  it('is bounded in length', () => {
    const text = `${'x'.repeat(5000)} match`;
    expect(snippetMatching(text, 'match').length).toBeLessThanOrEqual(440);
  });
});

describe('cleanQueryText', () => {
  it('replaces NUL, which Postgres text cannot hold', () => {
    expect(cleanQueryText('a\u0000b')).toBe('a b');
  });
});
