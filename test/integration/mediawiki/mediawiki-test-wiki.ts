// Test helper for the real MediaWiki of .ci/mediawiki/setup.sh, which seeds the fixture pages of
// test/fixtures/mediawiki/pages and the contract documents with their own timestamps
// (importDump.php; an API import would date every page "now"). Here: env, and whether it's seeded.

export interface TestWikiEnv {
  url: string;
  username: string | null;
  password: string | null;
}

const SETUP_HINT = 'bash .ci/mediawiki/setup.sh, then export the lines of its credentials.env';

/** Whether the wiki's search finds `word` in any namespace; throws when the wiki is unreachable. */
async function wikiFinds(url: string, word: string): Promise<boolean> {
  const params = new URLSearchParams({ action: 'query', list: 'search', srsearch: word, srwhat: 'text', srnamespace: '*', format: 'json', formatversion: '2' });
  const response = await fetch(`${url}?${params}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as { query?: { search?: unknown[] } };
  return (body.query?.search ?? []).length > 0;
}

/**
 * The wiki's settings from the environment, or the one-line reason to skip: MEDIAWIKI_URL unset, or
 * the wiki lacks the seeded page with `seedWord`. A set but unreachable wiki fails instead of skipping.
 */
export async function resolveTestWiki(seedWord: string, env: Record<string, string | undefined> = process.env): Promise<TestWikiEnv | string> {
  const url = env.MEDIAWIKI_URL;
  if (!url) return `MEDIAWIKI_URL not set (${SETUP_HINT})`;
  if (!(await wikiFinds(url, seedWord))) {
    return `the wiki at ${url} lacks the test pages (bash .ci/mediawiki/import.sh test/fixtures/mediawiki/pages contract:)`;
  }
  return { url, username: env.MEDIAWIKI_USERNAME ?? null, password: env.MEDIAWIKI_PASSWORD ?? null };
}
