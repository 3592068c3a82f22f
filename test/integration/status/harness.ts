// Serves the server as `serve` assembles it (status page included), over a federation of
// scripted sources and the in-memory cache, on an ephemeral loopback port; and drives Debian's
// Chromium through playwright-core (never a downloaded browser).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ScriptedConnector, type ScriptedOptions } from '../../../connectors/scripted/index.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import type { Federation } from '../../../src/federation/index.js';
import { startTestApp } from '../../helpers/start-test-app.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM_PATH)
  ? null
  : `status page browser tests skipped: ${CHROMIUM_PATH} is not installed (apt-get install chromium)`;
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../bench/results/status-page');

export const XSS_TITLE = '<img src=x onerror="window.__pwned=1"> Quarterly payload';
export const XSS_TEXT =
  'This payload document tests escaping. <script>window.__pwned=2</script> Then <img src=x onerror=alert(1)> and ' +
  '<b onmouseover="window.__pwned=3">bold?</b> & entities &amp; stay literal.';

function handbookDocuments(): NonNullable<ScriptedOptions['documents']> {
  return [
    {
      id: 'deploys',
      title: 'How we deploy',
      text: 'Every deploy goes through the pipeline; a rollback is one click in the deploy dashboard.',
      url: 'https://handbook.example.com/deploys',
    },
    {
      id: 'oncall',
      title: 'On-call handbook',
      text: 'The on-call engineer owns incidents and may roll back a deploy without asking.',
      url: 'https://handbook.example.com/oncall',
    },
    { id: 'leave', title: 'Holidays and leave', text: 'Book leave in the HR tool two weeks ahead.', url: null },
  ];
}

function runbookDocuments(): NonNullable<ScriptedOptions['documents']> {
  return [
    {
      id: 'rollback.md',
      title: 'Runbook: roll back a bad deploy',
      text: 'Rollback steps: freeze the deploy queue, pick the last green build, redeploy it, then watch the error rate.',
      url: 'https://runbooks.example.com/rollback',
    },
    { id: 'payload.md', title: XSS_TITLE, text: XSS_TEXT, url: 'javascript:alert(1)', metadata: { owner: '<i>security</i>' } },
    {
      id: 'disk.md',
      title: 'Runbook: disk full',
      text: 'When a disk fills up, page the on-call and rotate logs before a deploy.',
      url: 'https://runbooks.example.com/disk',
    },
  ];
}

export interface StatusTestApp {
  url: string;
  handbook: ScriptedConnector;
  runbooks: ScriptedConnector;
  federation: Federation;
  close(): Promise<void>;
}

export async function startStatusTestApp(options: { keys?: ApiKey[]; refreshMs?: number } = {}): Promise<StatusTestApp> {
  const handbook = new ScriptedConnector({
    name: 'handbook',
    description: 'Company handbook (Postgres)',
    ranking: 'match',
    documents: handbookDocuments(),
    documentCount: 1234,
  });
  const runbooks = new ScriptedConnector({ name: 'runbooks', description: 'Runbooks wiki (markdown folder)', ranking: 'match', documents: runbookDocuments() });
  const server = await startTestApp({
    keys: options.keys ?? [],
    config: { cursorSecret: 'status-test-secret' },
    sources: [handbook, runbooks].map((connector) => ({ connector, config: { weight: 1, timeout_ms: 1000, max_concurrency: 4 } })),
    federation: { healthTtlMs: 100, breaker: { failureThreshold: 2, baseSuspendMs: 60_000, maxSuspendMs: 60_000 } },
    statusPage: { refreshMs: options.refreshMs ?? 500 },
  });
  return {
    url: server.url,
    handbook,
    runbooks,
    federation: server.assembled.runtime.service as Federation,
    close: () => server.close(),
  };
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab (fresh sessionStorage) that records console errors, page errors and dialogs. */
  newPage(): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function launchTestBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-status-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}
