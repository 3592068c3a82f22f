// Page URLs of the wiki map back to page titles (the native IDs); other URLs are not ours.
import { describe, expect, it } from 'vitest';
import { wikiUrlMatcher } from '../../../connectors/mediawiki/urls.js';

describe('wikiUrlMatcher', () => {
  const match = wikiUrlMatcher('https://wiki.example.com/w/api.php', 'https://wiki.example.com/wiki/$1');

  it.each([
    ['https://wiki.example.com/wiki/Deploy_Runbook', 'Deploy Runbook'],
    ['https://wiki.example.com/wiki/Deploy_Runbook#Rollback', 'Deploy Runbook'],
    ['https://wiki.example.com/wiki/Kmcp_Fixture/Sub_page_%28draft%29_%26_notes%3F', 'Kmcp Fixture/Sub page (draft) & notes?'],
    ['https://wiki.example.com/wiki/Help:Caf%C3%A9', 'Help:Café'],
    ['https://wiki.example.com/w/index.php?title=Deploy_Runbook&action=history', 'Deploy Runbook'],
    ['https://wiki.example.com/w/index.php/Deploy_Runbook', 'Deploy Runbook'],
  ])('recognises %s', (url, title) => {
    expect(match(url)).toBe(title);
  });

  it.each([
    'https://other.example.com/wiki/Deploy_Runbook',
    'https://wiki.example.com/blog/Deploy_Runbook',
    'https://wiki.example.com/w/index.php?search=deploy',
    'https://wiki.example.com/wiki/',
    'https://wiki.example.com/wiki/%E0%A4%A',
    'ftp://wiki.example.com/wiki/Deploy_Runbook',
    'not a url',
  ])('does not claim %s', (url) => {
    expect(match(url)).toBeNull();
  });

  it('still recognises index.php URLs before the article path is known', () => {
    const early = wikiUrlMatcher('http://127.0.0.1:8089/api.php', null);
    expect(early('http://127.0.0.1:8089/index.php?title=Main_Page')).toBe('Main Page');
    expect(early('http://127.0.0.1:8089/wiki/Main_Page')).toBeNull();
  });
});
