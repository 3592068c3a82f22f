// MediaWiki document permissions from the source's namespace/category rules, against a scripted
// Action API that answers list=search and prop=revisions|info|categories in formatversion=2 shapes.
import { describe, expect, it } from 'vitest';
import { WikiAcl } from '../../../connectors/mediawiki/acl.js';
import { mediawikiSourceSchema } from '../../../connectors/mediawiki/config.js';
import { MediaWikiConnector } from '../../../connectors/mediawiki/connector.js';

interface Page {
  pageid: number;
  ns: number;
  title: string;
  text: string;
  categories: string[];
}

const PAGES: Page[] = [
  { pageid: 1, ns: 0, title: 'Budget overview', text: 'The budget overview for everyone.', categories: [] },
  { pageid: 2, ns: 100, title: 'HR:Budget salaries', text: 'Salary budget of the company.', categories: [] },
  { pageid: 3, ns: 0, title: 'Budget lawsuit', text: 'Budget reserved for the lawsuit.', categories: ['Confidential'] },
  { pageid: 4, ns: 100, title: 'HR:Budget settlement', text: 'Settlement budget, HR and legal.', categories: ['Confidential', 'Finance'] },
  { pageid: 5, ns: 0, title: 'Budget travel', text: 'Travel budget.', categories: ['Finance'] },
];

function scriptedWiki(options: { cutCategoriesAt?: number } = {}) {
  const seen: URLSearchParams[] = [];
  const answer = (params: URLSearchParams): unknown => {
    if (params.get('meta') === 'siteinfo') {
      return { query: { general: { server: 'https://wiki.example.com', articlepath: '/wiki/$1' }, statistics: { pages: PAGES.length } } };
    }
    if (params.get('list') === 'search') {
      const namespaces = (params.get('srnamespace') ?? '0').split('|').map(Number);
      const words = (params.get('srsearch') ?? '').toLowerCase().split(' ');
      const hits = PAGES.filter((p) => namespaces.includes(p.ns) && words.every((w) => `${p.title} ${p.text}`.toLowerCase().includes(w.replace(/\*$/, ''))));
      return {
        limits: { search: 50 },
        query: { searchinfo: { totalhits: hits.length }, search: hits.map((p) => ({ ns: p.ns, pageid: p.pageid, title: p.title })) },
      };
    }
    const asked = params.get('prop')?.split('|').includes('categories') ?? false;
    const wanted = new Set((params.get('clcategories') ?? '').split('|').filter(Boolean));
    const byId = params.get('pageids')?.split('|').map(Number);
    const byTitle = params.get('titles');
    const pages = PAGES.filter((p) => (byId ? byId.includes(p.pageid) : p.title === byTitle)).sort((a, b) => a.pageid - b.pageid);
    const cut = options.cutCategoriesAt;
    return {
      ...(asked && cut !== undefined ? { continue: { clcontinue: `${cut}|Confidential`, continue: '||' } } : {}),
      query: {
        pages: pages.map((p) => ({
          pageid: p.pageid,
          ns: p.ns,
          title: p.title,
          fullurl: `https://wiki.example.com/wiki/${p.title}`,
          revisions: [{ revid: p.pageid, timestamp: '2025-01-01T00:00:00Z', slots: { main: { content: p.text, contentmodel: 'wikitext' } } }],
          ...(asked && (cut === undefined || p.pageid < cut)
            ? { categories: p.categories.filter((c) => wanted.has(`Category:${c}`)).map((c) => ({ ns: 14, title: `Kategorie:${c}` })) }
            : {}),
        })),
      },
    };
  };
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const params = new URLSearchParams(init.method === 'POST' ? String(init.body) : (input.split('?')[1] ?? ''));
    seen.push(params);
    return new Response(JSON.stringify(answer(params)), { headers: { 'content-type': 'application/json' } });
  };
  return { fetch, seen };
}

const RULES = [
  { namespace: 100, principals: ['group:hr'] },
  { category: 'Confidential', principals: ['group:legal'] },
];

function connector(options: { cutCategoriesAt?: number } = {}) {
  const wiki = scriptedWiki(options);
  const config = mediawikiSourceSchema.parse({ name: 'wiki', kind: 'mediawiki', url: 'https://wiki.example.com/w/api.php', namespaces: [0, 100], acl: RULES });
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  return { wiki, source: new MediaWikiConnector(config, { credentials: null, fetch: wiki.fetch }, logger) };
}

const titles = async (source: MediaWikiConnector, principals: readonly string[] | null, limit = 10): Promise<string[]> =>
  (await source.search({ query: 'budget', limit, updatedAfter: null, signal: AbortSignal.timeout(5000), principals })).map((h) => h.title).sort();

describe('MediaWiki namespace and category rules', () => {
  it('give each caller the pages every matching rule admits; service callers read everything', async () => {
    const { source } = connector();
    expect(await titles(source, null)).toEqual(['Budget lawsuit', 'Budget overview', 'Budget travel', 'HR:Budget salaries', 'HR:Budget settlement']);
    expect(await titles(source, [])).toEqual(['Budget overview', 'Budget travel']);
    expect(await titles(source, ['group:hr'])).toEqual(['Budget overview', 'Budget travel', 'HR:Budget salaries']);
    expect(await titles(source, ['group:legal'])).toEqual(['Budget lawsuit', 'Budget overview', 'Budget travel']);
    expect(await titles(source, ['group:hr', 'group:legal'])).toEqual([
      'Budget lawsuit',
      'Budget overview',
      'Budget travel',
      'HR:Budget salaries',
      'HR:Budget settlement',
    ]);
  });

  it('asks the wiki only for readable namespaces and only the ruled categories', async () => {
    const { source, wiki } = connector();
    await titles(source, ['group:legal']);
    const searches = wiki.seen.filter((p) => p.get('list') === 'search');
    expect(searches.every((p) => p.get('srnamespace') === '0')).toBe(true);
    const texts = wiki.seen.find((p) => p.get('pageids') !== null);
    expect(texts?.get('clcategories')).toBe('Category:Confidential');
  });

  it('fills a short page from readable pages (filtered before the cut)', async () => {
    const { source } = connector();
    expect(await titles(source, [], 2)).toEqual(['Budget overview', 'Budget travel']);
  });

  it('closes pages whose category list the wiki cut short', async () => {
    const { source } = connector({ cutCategoriesAt: 3 });
    expect(await titles(source, ['group:legal'])).toEqual(['Budget overview']);
  });

  it('answers get() for a forbidden page exactly like a missing one', async () => {
    const { source } = connector();
    const signal = AbortSignal.timeout(5000);
    expect(await source.get('Budget lawsuit', signal, ['group:hr'])).toBeNull();
    expect(await source.get('HR:Budget salaries', signal, ['group:legal'])).toBeNull();
    expect(await source.get('No such page', signal, ['group:legal'])).toBeNull();
    expect((await source.get('Budget lawsuit', signal, ['group:legal']))?.title).toBe('Budget lawsuit');
    expect((await source.get('HR:Budget settlement', signal, null))?.title).toBe('HR:Budget settlement');
  });
});

describe('WikiAcl', () => {
  it('matches categories whatever the prefix, underscores or first-letter case', () => {
    const acl = new WikiAcl([{ category: 'top_secret', principals: ['group:x'] }]);
    expect(acl.categories).toEqual(['Top secret']);
    expect(acl.mayRead(0, ['Top secret'], ['group:y'])).toBe(false);
    expect(acl.mayRead(0, ['Top secret'], ['group:x'])).toBe(true);
    expect(acl.mayRead(0, null, ['group:x'])).toBe(false);
    expect(acl.enforcedFor(null)).toBe(false);
    expect(new WikiAcl([]).enforcedFor(['group:x'])).toBe(false);
  });

  it('refuses malformed rules in the source config', () => {
    const base = { name: 'wiki', kind: 'mediawiki', url: 'https://wiki.example.com/w/api.php' };
    expect(mediawikiSourceSchema.safeParse({ ...base, acl: [{ namespace: 100 }] }).success).toBe(false);
    expect(mediawikiSourceSchema.safeParse({ ...base, acl: [{ namespace: 1, category: 'X', principals: [] }] }).success).toBe(false);
    expect(mediawikiSourceSchema.safeParse({ ...base, acl: [{ category: 'X', principals: ['group:a'] }] }).success).toBe(true);
  });
});
