// Term analysis, snippets and highlight conversion shared by the wiki connectors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeQuery, analyzeTerm, findWords, foldTerm, tokenizeText } from '../../../connectors/contract/text/text-analysis.js';
import { buildTermSnippet } from '../../../connectors/contract/text/snippet.js';
import { convertHighlightMarkers, decodeHtmlEntities, stripHtmlTags } from '../../../connectors/contract/text/highlight-markers.js';
import { markdownToPlainText } from '../../../connectors/contract/text/markdown-text.js';
import { hashContent } from '../../../connectors/contract/text/content-hash.js';

describe('text analysis', () => {
  it('finds exactly the words /[\\p{L}\\p{N}]+/u finds, in any mix of scripts, marks, astral letters and lone surrogates', () => {
    const reference = (text: string) =>
      [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((match) => ({ word: match[0], start: match.index, end: match.index + match[0].length }));
    // letters, digits, combining marks, spaces, punctuation, other scripts, astral letters and digit (𝐀, 𠀀, 𝟘), lone surrogates, emoji
    const pieces = [
      'a',
      'Z',
      '7',
      'é',
      'e\u0301',
      'İ',
      'ß',
      '²',
      'Ⅻ',
      '٣',
      'ж',
      '中',
      '𝐀',
      '𠀀',
      '𝟘',
      '\ud800',
      '\udc00',
      ' ',
      '\u00a0',
      '-',
      '*',
      '_',
      '\n',
      '🙂',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const expected = reference(text);
        expect(findWords(text)).toEqual(expected);
        expect(findWords(text, true)).toEqual(expected.map((found) => ({ ...found, word: found.word.toLowerCase() })));
        expect(tokenizeText(text)).toEqual(expected.map((found) => found.word));
      }),
      { numRuns: 2000 },
    );
  });

  it('folds case and accents, drops stop words, stems', () => {
    expect(foldTerm('Café')).toBe('cafe');
    expect(analyzeTerm('The')).toBeNull();
    expect(analyzeTerm('Policies')).toBe('polici');
    expect(analyzeTerm('Policies', { stem: false })).toBe('policies');
  });

  it('turns a query into distinct terms, ignoring syntax characters', () => {
    expect(analyzeQuery('How do I rotate the "TLS" certificates? rotate: AND (rotating)')).toEqual(['rotat', 'tl', 'certif']);
    expect(analyzeQuery('the of and')).toEqual([]);
    expect(analyzeQuery('*** ()')).toEqual([]);
  });
});

/** Reference: every word of `text` whose term is in `terms`, found and analysed afresh, in `**…**`. */
function highlightTerms(text: string, terms: ReadonlySet<string>): string {
  let out = '';
  let last = 0;
  for (const { word, start, end } of findWords(text)) {
    const term = analyzeTerm(word);
    if (term === null || !terms.has(term)) continue;
    out += `${text.slice(last, start)}**${word}**`;
    last = end;
  }
  return out + text.slice(last);
}

describe('snippets', () => {
  const terms = new Set(analyzeQuery('backup restore'));

  it('bolds every matched word, whatever its form', () => {
    expect(buildTermSnippet('Backups are restored daily; restore tests monthly.', terms)).toBe(
      '**Backups** are **restored** daily; **restore** tests monthly.',
    );
  });

  it('centres on the passage that holds the most distinct terms', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(30);
    const text = `${filler} a backup is taken. ${filler} the backup and restore procedure is tested. ${filler}`;
    const snippet = buildTermSnippet(text, terms, { maxChars: 120 });
    expect(snippet).toContain('**backup** and **restore** procedure');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.replace(/\*\*/g, '').length).toBeLessThanOrEqual(122);
  });

  it('falls back to the opening without matches, and never cuts a word', () => {
    const snippet = buildTermSnippet('alpha beta gamma delta epsilon zeta eta theta', new Set(['nothing']), { maxChars: 20 });
    expect(snippet).toBe('alpha beta gamma…');
    expect(buildTermSnippet('   ', terms)).toBe('');
  });

  it('gives a text analysed for one query the same snippets for every other query as a fresh analysis does', () => {
    const text = 'Rotating the certificate: the rotation runbook restores backups, then rotates keys. '.repeat(3);
    const fresh = () => (word: string) => analyzeTerm(word);
    const remembered = fresh();
    for (const query of ['rotate', 'backup restore', 'certificate keys', 'nothing here', 'rotation backups keys']) {
      const queryTerms = new Set(analyzeQuery(query));
      expect(buildTermSnippet(text, queryTerms, { analyze: remembered, maxChars: 80 })).toBe(
        buildTermSnippet(text, queryTerms, { analyze: fresh(), maxChars: 80 }),
      );
    }
  });

  it('bolds exactly the window words a fresh analysis of the window bolds, a word cut at the window’s end included', () => {
    // words, punctuation, accents, digits and runs of spaces; windows of every width from 12 to 90
    const text =
      'Restoring   backups: the café restore-runbook (v2) restores backup 42 times; Restorations, backed-up restorers and ' +
      'überbackups restore nothing. Backup-restore drills restore backups weekly, restoring restored restores.';
    // no space to end the window on: it ends inside a word
    const longWord = `backup-restore${'x'.repeat(60)} restore`;
    for (const source of [text, longWord]) {
      for (let maxChars = 12; maxChars <= 90; maxChars += 1) {
        const snippet = buildTermSnippet(source, terms, { maxChars });
        const body = snippet.replace(/^…/, '').replace(/…$/, '');
        expect(highlightTerms(body.replaceAll('**', ''), terms), `maxChars ${maxChars}`).toBe(body);
      }
    }
    // cut to "restore", the long word matches; whole, it would not
    expect(buildTermSnippet(longWord, terms, { maxChars: 14 })).toBe('**backup**-**restore**…');
  });

  it('keeps each analyser’s view of a text apart (stemmed and exact words)', () => {
    const text = 'Rotating keys: see the rotation runbook.';
    const stemmed = (word: string) => analyzeTerm(word);
    const exact = (word: string) => analyzeTerm(word, { stem: false });
    expect(buildTermSnippet(text, new Set(analyzeQuery('rotation')), { analyze: stemmed })).toBe('**Rotating** keys: see the **rotation** runbook.');
    expect(buildTermSnippet(text, new Set(analyzeQuery('rotation', { stem: false })), { analyze: exact })).toBe('Rotating keys: see the **rotation** runbook.');
  });
});

describe('highlight markers', () => {
  it('turns Confluence markers into bold and merges adjacent ones', () => {
    expect(convertHighlightMarkers('How to @@@hl@@@remote@@@endhl@@@ @@@hl@@@work@@@endhl@@@ safely', { open: '@@@hl@@@', close: '@@@endhl@@@' })).toBe(
      'How to **remote work** safely',
    );
  });

  it('drops unpaired markers and bold that did not come from a match', () => {
    expect(convertHighlightMarkers('**not** a @@@hl@@@match@@@endhl@@@ and @@@hl@@@dangling', { open: '@@@hl@@@', close: '@@@endhl@@@' })).toBe(
      'not a **match** and dangling',
    );
  });

  it('handles MediaWiki search-match spans after tag stripping', () => {
    const html = 'The <span class="searchmatch">cryostat</span> &amp; <b>helium</b> &#8212; &hellip;';
    const marked = convertHighlightMarkers(html, { open: '<span class="searchmatch">', close: '</span>' });
    expect(decodeHtmlEntities(stripHtmlTags(marked))).toBe('The **cryostat** & helium — …');
  });

  it('leaves unknown entities as written and turns invalid code points into U+FFFD, as browsers do', () => {
    expect(decodeHtmlEntities('&bogus; &#xD800; &#65;')).toBe('&bogus; \uFFFD A');
  });

  it('decodes the whole HTML table, and only with the semicolon', () => {
    expect(decodeHtmlEntities('&eacute;t&eacute; &frac12; &rarr; &amp;')).toBe('été ½ → &');
    expect(decodeHtmlEntities('AT&T &copy 2025')).toBe('AT&T &copy 2025');
  });
});

describe('markdown to plain text', () => {
  it('keeps prose and drops markup', () => {
    const markdown = [
      '# Title',
      '',
      'Some **bold** and _em_ with [a link](https://x.example) and ![alt](y.png).',
      '',
      '| A | B |',
      '| --- | --- |',
      '| one | two |',
      '',
      '- item `deployctl rollback <service>`',
      '> quoted <br> text',
      '```sh',
      'echo hi',
      '```',
    ].join('\n');
    expect(markdownToPlainText(markdown)).toBe('Title Some bold and em with a link and alt. A B one two item deployctl rollback <service> quoted text echo hi');
  });

  it('hashes words, not markup or case', () => {
    expect(hashContent('Hello,   World!')).toBe(hashContent('hello world'));
    expect(hashContent('hello world')).not.toBe(hashContent('hello there'));
  });
});
