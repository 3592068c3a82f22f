// The mediawiki connector against a real MediaWiki (.ci/mediawiki/setup.sh, which seeds the pages of
// test/fixtures/mediawiki/pages): searches and reads them as an agent would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaWikiConnector, mediawikiSourceSchema } from '../../../connectors/mediawiki/index.js';
import { SourceError } from '../../../connectors/contract/errors.js';
import { resolveTestWiki, type TestWikiEnv } from './mediawiki-test-wiki.js';

const env = await resolveTestWiki('quokkabridge');
const skipReason = typeof env === 'string' ? env : null;
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const signal = () => AbortSignal.timeout(20_000);

function connect(wiki: TestWikiEnv, overrides: Record<string, unknown> = {}, counter?: { calls: number }): MediaWikiConnector {
  const config = mediawikiSourceSchema.parse({ name: 'wiki', kind: 'mediawiki', url: wiki.url, ...overrides });
  const credentials = config.username && config.password ? { username: config.username, password: config.password } : null;
  return new MediaWikiConnector(
    config,
    {
      credentials,
      ...(counter
        ? {
            fetch: (input: string, init: RequestInit) => {
              counter.calls++;
              return fetch(input, init);
            },
          }
        : {}),
    },
    logger,
  );
}

describe.skipIf(skipReason !== null)(`mediawiki connector on a real wiki${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const wiki = env as TestWikiEnv;
  let connector: MediaWikiConnector;
  const search = (query: string, updatedAfter: Date | null = null, limit = 10) => connector.search({ query, limit, updatedAfter, signal: signal() });

  beforeAll(async () => {
    connector = connect(wiki, wiki.username ? { username: wiki.username, password: wiki.password } : {});
    await connector.start(signal());
  });

  afterAll(async () => {
    await connector?.close();
  });

  it('is healthy and counts the wiki pages', async () => {
    const health = await connector.health(signal());
    expect(health.ok).toBe(true);
    expect(health.documentCount).toBeGreaterThanOrEqual(6);
  });

  it('finds pages by a word of their text, with bold snippets, page URLs and last-edit times', async () => {
    const hits = await search('quokkabridge');
    expect(hits.map((hit) => hit.title).sort()).toEqual(['Kmcp Fixture Old Page', 'Kmcp Fixture Zebra Migration']);
    const zebra = hits.find((hit) => hit.title === 'Kmcp Fixture Zebra Migration')!;
    expect(zebra.snippet).toContain('**quokkabridge**');
    expect(zebra.snippet).not.toMatch(/'''|\{\{|<ref/);
    expect(zebra.url).toMatch(/\/wiki\/Kmcp_Fixture_Zebra_Migration$/);
    expect(zebra.updatedAt).toBe('2024-03-01T09:30:00Z');
    expect(zebra.nativeId).toBe('Kmcp Fixture Zebra Migration');
  });

  it('honours updated_after with the revision timestamps', async () => {
    const hits = await search('quokkabridge', new Date('2020-01-01T00:00:00Z'));
    expect(hits.map((hit) => hit.title)).toEqual(['Kmcp Fixture Zebra Migration']);
  });

  it('searches only the configured namespaces', async () => {
    expect(await search('wombatlantern')).toEqual([]);
    const withHelp = connect(wiki, { namespaces: [0, 12] });
    const hits = await withHelp.search({ query: 'wombatlantern', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.title)).toEqual(['Help:Kmcp Fixture Help Page']);
  });

  it('widens when the AND of all words finds too little, and ranks the best match first', async () => {
    // No page has all of these words; the database search alone answers nothing.
    const hits = await search('quokkabridge zebra storage migration platypusquill helicopter');
    expect(hits[0]?.title).toBe('Kmcp Fixture Zebra Migration');
    expect(hits.map((hit) => hit.title)).toContain('Kmcp Fixture/Sub page (draft) & notes?');
  });

  it('treats search syntax in the query as plain words', async () => {
    // In the database search `-word` excludes and `"…` quotes: both must have no effect.
    expect((await search('-quokkabridge')).length).toBe(2);
    expect((await search('"narwhalpolicy intitle:insource')).map((hit) => hit.title)).toEqual(['Kmcp Fixture Search Syntax']);
    expect(await search('*')).toEqual([]);
  });

  it('keeps each search within the API call budget', async () => {
    const counter = { calls: 0 };
    const counted = connect(wiki, { max_search_calls: 4 }, counter);
    await counted.start(signal());
    const before = counter.calls;
    await counted.search({ query: 'quokkabridge zebra storage tier migration volume snapshot traffic', limit: 10, updatedAfter: null, signal: signal() });
    expect(counter.calls - before).toBeGreaterThan(1);
    expect(counter.calls - before).toBeLessThanOrEqual(4);
  });

  it('gets a page as markdown with its URL, last-edit time and revision', async () => {
    const page = await connector.get('Kmcp Fixture Zebra Migration', signal());
    expect(page?.title).toBe('Kmcp Fixture Zebra Migration');
    expect(page?.content).toContain('## Preparation');
    expect(page?.content).toContain('| gold | 20000 |');
    expect(page?.content).toMatch(/\[the old procedure\]\(http[^)]+\/wiki\/Kmcp_Fixture_Old_Page\)/);
    expect(page?.content).not.toMatch(/\{\{|\[\[|<ref|__TOC__/);
    expect(page?.updatedAt).toBe('2024-03-01T09:30:00Z');
    expect(page?.url).toMatch(/\/wiki\/Kmcp_Fixture_Zebra_Migration$/);
    expect(page?.metadata.revid).toEqual(expect.any(Number));
  });

  it('reads a page named with a section fragment', async () => {
    expect((await connector.get('Kmcp Fixture Zebra Migration#Limits', signal()))?.title).toBe('Kmcp Fixture Zebra Migration');
  });

  it('follows redirects to the target page', async () => {
    const page = await connector.get('Kmcp Fixture Redirect', signal());
    expect(page?.title).toBe('Kmcp Fixture Zebra Migration');
    expect(page?.metadata.redirected_from).toBe('Kmcp Fixture Redirect');
  });

  it('round-trips a title full of URL-special characters through its URL', async () => {
    const [hit] = await search('platypusquill');
    expect(hit?.title).toBe('Kmcp Fixture/Sub page (draft) & notes?');
    expect(connector.recognizeUrl(hit!.url!)).toBe(hit!.nativeId);
    expect((await connector.get(hit!.nativeId, signal()))?.content).toContain('platypusquill');
  });

  it('answers null for missing, invalid and out-of-namespace pages', async () => {
    expect(await connector.get('Kmcp Fixture That Does Not Exist', signal())).toBeNull();
    expect(await connector.get('../../etc/passwd', signal())).toBeNull();
    expect(await connector.get('Bad[title]', signal())).toBeNull();
    expect(await connector.get('Kmcp Fixture Old Page|Kmcp Fixture Zebra Migration', signal())).toBeNull();
    expect(await connector.get('Help:Kmcp Fixture Help Page', signal())).toBeNull();
  });

  it('reports a wrong bot password as a login failure', async () => {
    const wrong = connect(wiki, { username: wiki.username ?? 'KmcpBot@kmcp', password: 'not-the-password' });
    const error = await wrong.search({ query: 'quokkabridge', limit: 5, updatedAfter: null, signal: signal() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toContain('wiki login failed');
    expect((await wrong.health(signal())).ok).toBe(false);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    const pending = connector.search({ query: 'quokkabridge zebra storage', limit: 5, updatedAfter: null, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
