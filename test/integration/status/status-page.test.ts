// The status and search page in headless Chromium: load, search, open a hit, escaping of hostile
// documents, a source going down, the API-key prompt and a phone-sized screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SERVER_VERSION } from '../../../src/version.js';
import { chromiumMissing, launchTestBrowser, screenshot, startStatusTestApp, XSS_TEXT, XSS_TITLE, type StatusTestApp, type TestBrowser } from './harness.js';

if (chromiumMissing) console.warn(chromiumMissing);

// The callbacks given to page.evaluate/waitForFunction run in Chromium; the project compiles
// without the DOM library, so the few browser globals they use are declared here, for this file only.
interface BrowserElement {
  textContent: string | null;
  id: string;
  className: string;
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): { width: number };
}
declare const document: {
  querySelector(selector: string): BrowserElement | null;
  activeElement: BrowserElement | null;
  documentElement: { scrollWidth: number };
};
declare const getComputedStyle: (element: BrowserElement, pseudo?: string) => { display: string; content: string };
declare const sessionStorage: { length: number };
declare const window: { __pwned?: unknown };

async function sourceCell(page: Page, source: string, label: string): Promise<string> {
  return ((await page.locator(`#sources-body tr[data-source="${source}"] td[data-label="${label}"]`).textContent()) ?? '').trim();
}

async function waitForCell(page: Page, source: string, label: string, expected: string | RegExp): Promise<void> {
  await page.waitForFunction(
    ([name, column, pattern, isRegex]) => {
      const cell = document.querySelector(`#sources-body tr[data-source="${name}"] td[data-label="${column}"]`);
      const text = cell?.textContent?.trim() ?? '';
      return isRegex ? new RegExp(pattern).test(text) : text === pattern;
    },
    [source, label, typeof expected === 'string' ? expected : expected.source, typeof expected !== 'string'] as const,
    { timeout: 10_000 },
  );
}

async function runSearch(page: Page, query: string): Promise<void> {
  const before = await page.locator('#search-summary').textContent();
  await page.fill('#query', query);
  await page.press('#query', 'Enter');
  await page.waitForFunction((previous) => {
    const text = document.querySelector('#search-summary')?.textContent ?? '';
    return text !== previous && !text.endsWith('…');
  }, before);
}

describe.skipIf(chromiumMissing !== null)('status page in Chromium', () => {
  // One browser for the whole file: launching Chromium is the slowest step on a shared machine.
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchTestBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('loopback, no keys', () => {
    let app: StatusTestApp;

    beforeAll(async () => {
      app = await startStatusTestApp();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('loads without a key and shows the server, the MCP URL, every source and the cache', async () => {
      const { page, problems } = await browser.newPage();
      const response = await page.goto(`${app.url}/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.locator('#sources-body tr[data-source="runbooks"]').waitFor();

      expect(await page.locator('#key-panel').isHidden()).toBe(true);
      expect(await page.locator('#server-version').textContent()).toBe(`v${SERVER_VERSION}`);
      expect(await page.locator('#mcp-url').inputValue()).toBe(`${app.url}/mcp`);
      expect(await page.locator('#protocols').textContent()).toContain('2026-07-28');
      expect(await sourceCell(page, 'handbook', 'Status')).toBe('ok');
      expect(await sourceCell(page, 'handbook', 'Kind')).toBe('scripted');
      expect(await sourceCell(page, 'handbook', 'Documents')).toBe('1,234');
      expect(await sourceCell(page, 'runbooks', 'Breaker')).toBe('closed');
      expect(await page.locator('#caller').textContent()).toContain('No key needed');
      expect(await page.locator('#cache-line').textContent()).toContain('in memory');
      await screenshot(page, 'desktop-status');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('searches by keyboard, shows fused results with highlights and the per-source report, and opens a hit', async () => {
      const { page, problems } = await browser.newPage();
      await page.goto(`${app.url}/`);
      await page.locator('#sources-body tr[data-source="runbooks"]').waitFor();

      // Keyboard only: the skip link leads to the search form.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('query');
      await page.keyboard.type('rollback deploy');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /results? in/.test(document.querySelector('#search-summary')?.textContent ?? ''));

      const items = page.locator('#results > li');
      expect(await items.count()).toBeGreaterThanOrEqual(4);
      const sources = await page.locator('#results .result-meta .tag').allTextContents();
      expect(new Set(sources)).toEqual(new Set(['handbook', 'runbooks']));
      const marks = (await page.locator('#results mark').allTextContents()).map((text) => text.toLowerCase());
      expect(marks.length).toBeGreaterThan(0);
      for (const mark of marks) expect(['rollback', 'deploy']).toContain(mark);
      expect(await page.locator('#results .snippet').first().textContent()).not.toContain('**');
      expect(await items.first().locator('.result-meta').textContent()).toMatch(/score \d+\.\d{4}/);
      expect(await page.locator('#report-body tr[data-source="runbooks"] td[data-label="Status"]').textContent()).toBe('ok');
      expect(await page.locator('#report-body tr[data-source="handbook"] td[data-label="Hits"]').textContent()).toBe('2');
      await screenshot(page, 'desktop-search');

      const hit = page.locator('#results button.result-title', { hasText: 'Runbook: roll back a bad deploy' });
      await hit.click();
      await page.locator('#document-dialog[open]').waitFor();
      await page.waitForFunction(() => (document.querySelector('#doc-content')?.textContent ?? '').length > 0);
      expect(await page.locator('#doc-title').textContent()).toBe('Runbook: roll back a bad deploy');
      expect(await page.locator('#doc-content').textContent()).toContain('freeze the deploy queue');
      expect(await page.locator('#doc-meta').textContent()).toContain('runbooks:rollback.md');
      await screenshot(page, 'desktop-document', false);
      await page.keyboard.press('Escape');
      await page.locator('#document-dialog').waitFor({ state: 'hidden' });
      expect(await page.evaluate(() => document.activeElement?.dataset.id)).toBe('runbooks:rollback.md');

      // The same search again is answered by the cache, and the status reports the hit.
      await runSearch(page, 'rollback deploy');
      expect(await page.locator('#search-summary').textContent()).toContain('(from cache)');
      await page.waitForFunction(() => /hit ratio \d+ % of \d+ lookups?/.test(document.querySelector('#cache-line')?.textContent ?? ''));
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows hostile document text as text: no element, no script, no javascript: link', async () => {
      const { page, problems } = await browser.newPage();
      await page.goto(`${app.url}/`);
      await page.locator('#sources-body tr').first().waitFor();
      await runSearch(page, 'payload');

      const title = page.locator('#results button.result-title').first();
      expect(await title.textContent()).toBe(XSS_TITLE);
      const snippet = (await page.locator('#results .snippet').first().textContent()) ?? '';
      expect(snippet).toContain('<script>');
      expect(await page.locator('#results img, #results script, #results b').count()).toBe(0);
      expect(await page.locator('#results a').count()).toBe(0);
      expect(await page.locator('#results').textContent()).toContain('Link: javascript:alert(1)');

      await title.click();
      await page.waitForFunction(() => (document.querySelector('#doc-content')?.textContent ?? '').length > 0);
      expect(await page.locator('#doc-content').textContent()).toBe(XSS_TEXT);
      expect(await page.locator('#doc-title').textContent()).toBe(XSS_TITLE);
      expect(await page.locator('#document-dialog img, #document-dialog script, #document-dialog i, #document-dialog a').count()).toBe(0);
      expect(await page.locator('#doc-meta').textContent()).toContain('<i>security</i>');
      await screenshot(page, 'desktop-hostile-document', false);
      await page.mouse.move(10, 10);
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows a source going down: unreachable on the next refresh, errors in searches, then suspended', async () => {
      const { page, problems } = await browser.newPage();
      await page.goto(`${app.url}/`);
      await waitForCell(page, 'runbooks', 'Status', 'ok');

      app.runbooks.setBehaviour({ fail: { message: 'connection refused', expose: true } });
      app.runbooks.healthy = false;
      await waitForCell(page, 'runbooks', 'Status', 'unreachable');
      expect(await sourceCell(page, 'handbook', 'Status')).toBe('ok');

      await runSearch(page, 'disk full');
      expect(await page.locator('#search-summary').textContent()).toContain('partial: runbooks error');
      expect(await page.locator('#report-body tr[data-source="runbooks"] td[data-label="Error"]').textContent()).toContain('connection refused');
      await runSearch(page, 'on-call engineer');

      // Two failures in a row open this test's breaker: the source is suspended, not asked again.
      await waitForCell(page, 'runbooks', 'Status', 'suspended');
      await waitForCell(page, 'runbooks', 'Breaker', 'open');
      expect(await sourceCell(page, 'runbooks', 'Errors')).toMatch(/^\d+ % of \d+ calls?/);
      await runSearch(page, 'pipeline');
      expect(await page.locator('#report-body tr[data-source="runbooks"] td[data-label="Status"]').textContent()).toBe('suspended');
      await waitForCell(page, 'runbooks', 'Errors', /refused/);
      await screenshot(page, 'desktop-source-down');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('fits a 375 px phone screen: no sideways scrolling, tables as labelled cards', async () => {
      const { page, problems } = await browser.newPage();
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto(`${app.url}/`);
      await page.locator('#sources-body tr[data-source="handbook"]').waitFor();
      await runSearch(page, 'deploy');
      await page.locator('#results > li').first().waitFor();

      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        cellDisplay: getComputedStyle(document.querySelector('#sources-body td')!).display,
        label: getComputedStyle(document.querySelector('#sources-body td')!, '::before').content,
        buttonWidth: document.querySelector('#search-button')!.getBoundingClientRect().width,
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(375);
      expect(layout.cellDisplay).toBe('grid');
      expect(layout.label).toBe('"Source"');
      expect(layout.buttonWidth).toBeGreaterThan(300);
      await screenshot(page, 'phone-status-and-search');
      await page.locator('#results > li').first().scrollIntoViewIfNeeded();
      await screenshot(page, 'phone-results-viewport', false);

      await page.locator('#results button.result-title').first().click();
      await page.waitForFunction(() => (document.querySelector('#doc-content')?.textContent ?? '').length > 0);
      const dialogWidth = await page.evaluate(() => document.querySelector('#document-dialog')!.getBoundingClientRect().width);
      expect(dialogWidth).toBeLessThanOrEqual(375);
      await screenshot(page, 'phone-document', false);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('API keys configured', () => {
    const OPS_KEY = 'ops-key-0123456789abcdef';
    const CI_KEY = 'ci-key-0123456789abcdef';
    let app: StatusTestApp;

    beforeAll(async () => {
      app = await startStatusTestApp({
        keys: [
          { name: 'ops', key: OPS_KEY, sources: null, rateLimitPerMinute: 0 },
          { name: 'ci', key: CI_KEY, sources: ['handbook'], rateLimitPerMinute: 0 },
        ],
      });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('asks for a key once, keeps it for the tab, scopes what it shows, and forgets it on request', async () => {
      const { page, problems } = await browser.newPage();
      await page.goto(`${app.url}/`);
      await page.locator('#key-panel').waitFor();
      expect(await page.locator('#app').isHidden()).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-input');
      await screenshot(page, 'desktop-key-prompt');

      await page.fill('#key-input', 'not-a-valid-key-at-all');
      await page.press('#key-input', 'Enter');
      await page.waitForFunction(() => (document.querySelector('#key-error')?.textContent ?? '').includes('not accepted'));
      expect(await page.locator('#app').isHidden()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

      await page.fill('#key-input', CI_KEY);
      await page.click('#key-form button[type="submit"]');
      await page.locator('#sources-body tr[data-source="handbook"]').waitFor();
      expect(await page.locator('#sources-body tr').count()).toBe(1);
      expect(await page.locator('#caller').textContent()).toContain('"ci"');
      expect(await page.locator('#source-filter option').allTextContents()).toEqual(['All sources', 'handbook']);
      await runSearch(page, 'deploy rollback');
      const sources = await page.locator('#results .result-meta .tag').allTextContents();
      expect(sources.length).toBeGreaterThan(0);
      expect(new Set(sources)).toEqual(new Set(['handbook']));
      await screenshot(page, 'desktop-scoped-key');

      // Kept in this tab's session storage: a reload does not ask again.
      await page.reload();
      await page.locator('#sources-body tr[data-source="handbook"]').waitFor();
      expect(await page.locator('#key-panel').isHidden()).toBe(true);

      // A new tab has its own session storage and asks again.
      const other = await browser.newPage();
      await other.page.goto(`${app.url}/`);
      await other.page.locator('#key-panel').waitFor();
      await other.page.fill('#key-input', OPS_KEY);
      await other.page.press('#key-input', 'Enter');
      await other.page.locator('#sources-body tr[data-source="runbooks"]').waitFor();
      expect(await other.page.locator('#sources-body tr').count()).toBe(2);
      await other.page.close();

      await page.click('#forget-key');
      await page.locator('#key-panel').waitFor();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      expect(problems).toEqual([]);
      expect(other.problems).toEqual([]);
      await page.close();
    });
  });
});
