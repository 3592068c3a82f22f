// Wikitext becomes markdown an agent can read: structure kept, templates and wiki plumbing dropped.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeTitleForUrl, wikitextToMarkdown } from '../../../connectors/mediawiki/wikitext.js';

const ARTICLE = 'https://wiki.example.com/wiki/$1';
const convert = (text: string): string => wikitextToMarkdown(text, { articleUrl: ARTICLE });

describe('wikitextToMarkdown', () => {
  it('turns headings, emphasis and lists into markdown', () => {
    expect(convert("== Setup ==\n'''Bold''' and ''italic'' and '''''both'''''\n* one\n** nested\n# first\n# second")).toBe(
      '## Setup\n\n**Bold** and *italic* and ***both***\n- one\n  - nested\n1. first\n1. second',
    );
  });

  it('keeps internal and external links, with the wiki URL of the target page', () => {
    expect(convert('See [[Deploy Runbook|the runbook]], [[Rollback Runbook#Steps]] and [https://example.com docs] or [https://x.org].')).toBe(
      'See [the runbook](https://wiki.example.com/wiki/Deploy_Runbook), [Rollback Runbook#Steps](https://wiki.example.com/wiki/Rollback_Runbook#Steps) and [docs](https://example.com) or <https://x.org>.',
    );
  });

  it('keeps link text only when the article path is unknown', () => {
    expect(wikitextToMarkdown('[[Page one|first]] and [[Page two]]s')).toBe('first and Page twos');
  });

  it('drops templates (nested too), references, categories, files, comments and magic words', () => {
    const text =
      '{{Infobox|a={{nested|x}}|b=2}}__TOC__Intro<ref name="r">cite</ref> text<!-- hidden -->[[File:Diagram.png|thumb|A [[link]] inside]]\n[[Category:Runbooks]]';
    expect(convert(text)).toBe('Intro text');
  });

  it('turns a wikitable into a markdown table, header row first and attributes dropped', () => {
    const text = '{| class="wikitable"\n|+ Limits\n! Tier !! Max IOPS\n|-\n| style="color:red" | gold || 20000\n|-\n| silver\n| 5000\n|}';
    expect(convert(text)).toBe('**Limits**\n\n| Tier | Max IOPS |\n| --- | --- |\n| gold | 20000 |\n| silver | 5000 |');
  });

  it('fences pre and syntaxhighlight blocks, and leaves their content alone', () => {
    const text = "<pre>\nkubectl get pods | grep '''x'''\n</pre>\n<syntaxhighlight lang=\"bash\">\necho {{not a template}}\n</syntaxhighlight>";
    expect(convert(text)).toBe("```\nkubectl get pods | grep '''x'''\n```\n\n```bash\necho {{not a template}}\n```");
  });

  it('decodes entities and keeps nowiki text literally', () => {
    expect(convert("A &amp; B &lt;tag&gt; <nowiki>[[not a link]] ''x''</nowiki> <code>a &lt; b</code>")).toBe("A & B <tag> [[not a link]] ''x'' `a < b`");
  });

  it('renders definition lists and indented lines', () => {
    expect(convert('; Owner : Platform team\n: indented note')).toBe('**Owner**: Platform team\nindented note');
  });

  it('converts the fixture page into readable markdown', () => {
    const page = readFileSync(new URL('../../fixtures/mediawiki/pages/zebra-migration.wiki', import.meta.url), 'utf8').replace(/^---[\s\S]*?---\n/, '');
    const markdown = convert(page);
    expect(markdown).toContain('## Preparation');
    expect(markdown).toContain('| gold | 20000 |');
    expect(markdown).toContain('[the old procedure](https://wiki.example.com/wiki/Kmcp_Fixture_Old_Page)');
    expect(markdown).not.toMatch(/\{\{|\[\[|<ref|Category:/);
  });
});

describe('encodeTitleForUrl', () => {
  it('writes titles the way MediaWiki does in URLs', () => {
    expect(encodeTitleForUrl('Kmcp Fixture/Sub page (draft) & notes?')).toBe('Kmcp_Fixture/Sub_page_%28draft%29_%26_notes%3F');
    expect(encodeTitleForUrl('Help:Café')).toBe('Help:Caf%C3%A9');
  });
});
