// The search plan against a scripted wiki: AND first, widening only when it finds too little,
// never more calls than the budget, texts fetched in one batch and re-ranked locally.
import { describe, expect, it } from 'vitest';
import type { ApiParams } from '../../../connectors/mediawiki/api-client.js';
import { chooseProbes, searchWiki, type SearchDeps, type SiteFacts } from '../../../connectors/mediawiki/search.js';
import { analyzeSearchQuery, type QueryTerm } from '../../../connectors/mediawiki/query-terms.js';

interface Page {
  pageid: number;
  title: string;
  text: string;
  timestamp: string;
}

const PAGES: Page[] = [
  { pageid: 1, title: 'Kafka consumer lag', text: 'When kafka consumer lag grows, scale the consumer group.', timestamp: '2024-05-01T00:00:00Z' },
  { pageid: 2, title: 'Kafka topics', text: 'Create kafka topics with the platform CLI.', timestamp: '2021-01-01T00:00:00Z' },
  { pageid: 3, title: 'Lag dashboards', text: 'Replication lag dashboards for postgres.', timestamp: '2024-06-01T00:00:00Z' },
  { pageid: 4, title: 'Holiday policy', text: 'Book holidays early.', timestamp: '2024-01-01T00:00:00Z' },
];

/** A tiny core-like search: AND of words (with `prefix*`), in page order, no ranking. */
function scriptedWiki(pages: Page[], options: { failTitles?: boolean } = {}) {
  const calls: ApiParams[] = [];
  const matches = (text: string, query: string) =>
    String(query)
      .split(' ')
      .every((word) => {
        const words: string[] = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
        return word.endsWith('*') ? words.some((w) => w.startsWith(word.slice(0, -1))) : words.includes(word);
      });
  const call = async (params: ApiParams): Promise<Record<string, unknown>> => {
    calls.push(params);
    if (params.list === 'search') {
      if (params.srwhat === 'title' && options.failTitles) throw new Error('search-title-disabled');
      const hits = pages.filter((p) => matches(params.srwhat === 'title' ? p.title : p.text, String(params.srsearch)));
      return {
        limits: { search: 50 },
        query: { searchinfo: { totalhits: hits.length }, search: hits.map(({ pageid, title, timestamp }) => ({ ns: 0, pageid, title, timestamp })) },
      };
    }
    const ids = String(params.pageids).split('|').map(Number);
    return {
      query: {
        pages: pages
          .filter((p) => ids.includes(p.pageid))
          .map((p) => ({
            pageid: p.pageid,
            ns: 0,
            title: p.title,
            fullurl: `https://wiki.example.com/wiki/${p.title.replace(/ /g, '_')}`,
            revisions: [{ revid: p.pageid * 10, timestamp: p.timestamp, slots: { main: { content: p.text, contentmodel: 'wikitext' } } }],
          })),
      },
    };
  };
  return { call, calls };
}

const site: SiteFacts = { pageCount: 100, articleUrl: 'https://wiki.example.com/wiki/$1', cirrus: false };
const deps = (call: SearchDeps['call'], overrides: Partial<SearchDeps['settings']> = {}, facts = site): SearchDeps => ({
  call,
  site: facts,
  settings: { namespaces: [0], maxSearchCalls: 6, rerankCandidates: 50, ...overrides },
});
const request = (query: string, extra: { limit?: number; updatedAfter?: Date | null } = {}) => ({
  query,
  limit: extra.limit ?? 10,
  updatedAfter: extra.updatedAfter ?? null,
  signal: AbortSignal.timeout(5000),
});

describe('searchWiki', () => {
  it('finds pages by the AND of all words, then ranks the fetched texts', async () => {
    const wiki = scriptedWiki(PAGES);
    const { hits, calls } = await searchWiki(deps(wiki.call), request('consumer'));
    expect(hits.map((h) => h.title)).toEqual(['Kafka consumer lag']);
    expect(hits[0]?.snippet).toContain('**consumer**');
    expect(hits[0]?.url).toBe('https://wiki.example.com/wiki/Kafka_consumer_lag');
    expect(hits[0]?.updatedAt).toBe('2024-05-01T00:00:00Z');
    // AND text + AND titles + one batched text fetch; no widening for a single word.
    expect(calls).toBe(3);
    expect(wiki.calls.filter((c) => c.prop === 'revisions|info')).toHaveLength(1);
  });

  it('widens with one-word probes when the AND finds too little, within the call budget', async () => {
    const wiki = scriptedWiki(PAGES);
    const { hits, calls } = await searchWiki(deps(wiki.call), request('kafka replication lag dashboards'));
    expect(hits[0]?.title).toBe('Lag dashboards');
    expect(hits.map((h) => h.title)).toContain('Kafka consumer lag');
    expect(calls).toBeLessThanOrEqual(6);
    expect(wiki.calls).toHaveLength(calls);
    const tight = scriptedWiki(PAGES);
    const bounded = await searchWiki(deps(tight.call, { maxSearchCalls: 3 }), request('kafka replication lag dashboards'));
    expect(bounded.calls).toBeLessThanOrEqual(3);
    expect(tight.calls).toHaveLength(bounded.calls);
  });

  it('re-ranks at least as many pages as hits were asked for (twice as many), even above rerankCandidates', async () => {
    const many: Page[] = Array.from({ length: 14 }, (_, index) => ({
      pageid: 100 + index,
      title: `Runbook ${index}`,
      text: `Restart the kafka broker ${index} after the upgrade.`,
      timestamp: '2024-01-01T00:00:00Z',
    }));
    const wiki = scriptedWiki(many);
    const { hits } = await searchWiki(deps(wiki.call, { rerankCandidates: 10 }), request('kafka broker', { limit: 12 }));
    expect(hits).toHaveLength(12);
    const fetched = wiki.calls.find((c) => c.prop === 'revisions|info');
    expect(String(fetched?.pageids).split('|')).toHaveLength(14);
    const shallow = await searchWiki(deps(scriptedWiki(many).call, { rerankCandidates: 10 }), request('kafka broker', { limit: 5 }));
    expect(shallow.hits).toHaveLength(5);
  });

  it('does not widen when the AND already fills the page', async () => {
    const wiki = scriptedWiki(PAGES);
    const { calls } = await searchWiki(deps(wiki.call), request('kafka consumer', { limit: 1 }));
    expect(wiki.calls.filter((c) => c.list === 'search' && c.srwhat === 'text')).toHaveLength(1);
    expect(calls).toBe(3);
  });

  it('filters by updated_after before fetching texts', async () => {
    const wiki = scriptedWiki(PAGES);
    const { hits } = await searchWiki(deps(wiki.call), request('kafka', { updatedAfter: new Date('2022-01-01T00:00:00Z') }));
    expect(hits.map((h) => h.title)).toEqual(['Kafka consumer lag']);
    const fetched = wiki.calls.find((c) => c.prop === 'revisions|info');
    expect(String(fetched?.pageids).split('|')).not.toContain('2');
  });

  it('sends only syntax-free words to the wiki', async () => {
    const wiki = scriptedWiki(PAGES);
    await searchWiki(deps(wiki.call), request('"kafka" -lag intitle:topics* OR (x)'));
    for (const call of wiki.calls.filter((c) => c.list === 'search')) {
      expect(String(call.srsearch)).toMatch(/^[a-z0-9* ]+$/);
      expect(String(call.srsearch)).not.toMatch(/(^|\s)\*|\*\S/);
    }
  });

  it('uses no wildcards or title searches on CirrusSearch, and survives a refused title search', async () => {
    const cirrus = scriptedWiki(PAGES);
    await searchWiki(deps(cirrus.call, {}, { ...site, cirrus: true }), request('migrations kafka'));
    expect(cirrus.calls.some((c) => c.srwhat === 'title' || String(c.srsearch ?? '').includes('*'))).toBe(false);
    const refusing = scriptedWiki(PAGES, { failTitles: true });
    const { hits } = await searchWiki(deps(refusing.call), request('kafka'));
    expect(hits.length).toBeGreaterThan(0);
  });

  it('makes no call for a query without words and answers nothing', async () => {
    const wiki = scriptedWiki(PAGES);
    expect(await searchWiki(deps(wiki.call), request('?! "" --'))).toEqual({ hits: [], calls: 0 });
    expect(wiki.calls).toHaveLength(0);
  });
});

describe('chooseProbes', () => {
  const terms = analyzeSearchQuery('patients with rare xylophonitis improve', { prefixes: false });
  const byWord = (chosen: QueryTerm[]) => chosen.map((term) => term.word);

  it('without known counts, probes the words that look rarest', () => {
    expect(byWord(chooseProbes(terms, 2, () => undefined, 1000))).toEqual(['xylophonitis', 'patients']);
  });

  it('prefers words the wiki showed to be rare, puts common ones last and skips absent ones', () => {
    const df: Record<string, number> = { xylophonitis: 0, patients: 900, rare: 12 };
    expect(byWord(chooseProbes(terms, 3, (term) => df[term.word], 1000))).toEqual(['rare', 'improve', 'patients']);
  });
});

describe('searchWiki with a memory of word counts', () => {
  it('remembers the hit counts of its probes and skips words known to be absent', async () => {
    const memory = new Map<string, number>();
    const dfMemory = { get: (key: string) => memory.get(key), set: (key: string, value: number) => void memory.set(key, value) };
    const first = scriptedWiki(PAGES);
    await searchWiki({ ...deps(first.call), dfMemory }, request('kafka zzyzx dashboards'));
    expect(memory.get('zzyzx')).toBe(0);
    expect(memory.get('kafka')).toBe(2);
    const second = scriptedWiki(PAGES);
    await searchWiki({ ...deps(second.call), dfMemory }, request('kafka zzyzx dashboards'));
    expect(second.calls.some((c) => c.srsearch === 'zzyzx')).toBe(false);
  });
});
