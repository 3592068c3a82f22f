// A search on the status page can be shared: `/?q=…&source=…` opens with that search run, and
// running a search writes it into the address (replaced, so Back still leaves the page).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchTestBrowser, startStatusTestApp, type StatusTestApp, type TestBrowser } from './harness.js';

// The test runs under Node's types; these are the few page globals the browser-side callbacks read.
declare const document: { querySelector(selector: string): { textContent: string | null; value?: string } | null };
declare const window: { history: { length: number } };

describe.skipIf(chromiumMissing !== null)('status page search links', () => {
  let browser: TestBrowser;
  let app: StatusTestApp;
  beforeAll(async () => {
    browser = await launchTestBrowser();
    app = await startStatusTestApp();
  });
  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('opens /?q=…&source=… with that search run, in that source', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${app.url}/?q=rollback+deploy&source=runbooks&limit=5`);
    await page.waitForFunction(() => /results? in/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    expect(await page.locator('#query').inputValue()).toBe('rollback deploy');
    expect(await page.locator('#limit').inputValue()).toBe('5');
    const sources = await page.locator('#results .result-meta .tag').allTextContents();
    expect(sources.length).toBeGreaterThan(0);
    expect(new Set(sources)).toEqual(new Set(['runbooks']));
    // The filter shows the linked source once the source list has arrived.
    await page.waitForFunction(() => document.querySelector('#source-filter')?.value === 'runbooks');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('puts a search it runs into the address, without adding history entries', async () => {
    const { page, problems } = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.locator('#sources-body tr[data-source="runbooks"]').waitFor();
    const historyBefore = await page.evaluate(() => window.history.length);
    await page.fill('#query', 'roll back & deploy');
    await page.press('#query', 'Enter');
    await page.waitForFunction(() => /results? in|No results/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    const address = new URL(page.url());
    expect(address.pathname).toBe('/');
    expect(address.searchParams.get('q')).toBe('roll back & deploy');
    expect(address.searchParams.has('source')).toBe(false);
    expect(await page.evaluate(() => window.history.length)).toBe(historyBefore);
    // Opening that address again shows the same search.
    const again = await browser.newPage();
    await again.page.goto(page.url());
    await again.page.waitForFunction(() => /results? in|No results/.test(document.querySelector('#search-summary')?.textContent ?? ''));
    expect(await again.page.locator('#query').inputValue()).toBe('roll back & deploy');
    expect(problems).toEqual([]);
    await again.page.close();
    await page.close();
  });
});
