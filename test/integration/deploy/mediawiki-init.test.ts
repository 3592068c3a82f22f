// The compose stack's MediaWiki set-up: md2wiki.awk turns runbooks into wikitext, and init.sh installs
// a SQLite wiki and imports them so the Action API finds them — run here against Debian's MediaWiki
// (the compose file runs the same script in the official image), skipped where it is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-files.js';
import { freePort } from '../../helpers/free-port.js';

const AWK = path.join(REPO_ROOT, 'deploy/mediawiki/md2wiki.awk');
const INIT = path.join(REPO_ROOT, 'deploy/mediawiki/init.sh');
const DEBIAN_MW = '/usr/share/mediawiki';
const hasAwk = spawnSync('awk', ['BEGIN{}']).status === 0;
// install.php takes ~5 s on an idle machine, several times that on a busy 2-core one.
const INSTALL_TIMEOUT_MS = 120_000;
const hasMediaWiki = existsSync(path.join(DEBIAN_MW, 'maintenance/install.php')) && spawnSync('php', ['--version']).status === 0;

function convert(markdown: string, mode?: 'title'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-md2wiki-'));
  try {
    const file = path.join(dir, 'page.md');
    writeFileSync(file, markdown);
    const args = [...(mode ? ['-v', `mode=${mode}`] : []), '-f', AWK, file];
    const result = spawnSync('awk', args, { encoding: 'utf8' });
    expect(result.status).toBe(0);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasAwk)(hasAwk ? 'md2wiki.awk' : 'md2wiki.awk skipped: no awk on this machine', () => {
  const page = [
    '---',
    'title: "Disk Full Runbook"',
    'updated: 2025-01-01',
    '---',
    '',
    '# Disk Full Runbook',
    '',
    'When **disk usage** passes 90%, run `df -h` and see [the dashboard](https://grafana.example.com/d/disk) or [notes](notes.md).',
    '',
    '## Steps',
    '',
    '1. Find the biggest folders',
    '   with du.',
    '2. Delete old logs.',
    '- alerts',
    '  - nested item',
    '',
    '| Tier | Limit |',
    '|------|-------|',
    '| hot | 14 days |',
    '',
    '```sh',
    '# not a heading',
    'du -sh /var/log/*',
    '```',
  ].join('\n');

  it('takes the title from front matter, else the first heading', () => {
    expect(convert(page, 'title').trim()).toBe('Disk Full Runbook');
    expect(convert('# Only A Heading\n\ntext\n', 'title').trim()).toBe('Only A Heading');
  });

  it('turns markdown into wikitext a wiki reader expects', () => {
    const wiki = convert(page);
    expect(wiki).not.toContain('updated: 2025-01-01');
    expect(wiki).not.toMatch(/^= Disk Full Runbook =$/m);
    expect(wiki).toContain("When '''disk usage''' passes 90%, run <code>df -h</code>");
    expect(wiki).toContain('[https://grafana.example.com/d/disk the dashboard] or notes.');
    expect(wiki).toMatch(/^== Steps ==$/m);
    expect(wiki).toMatch(/^# Find the biggest folders with du\.$/m);
    expect(wiki).toMatch(/^# Delete old logs\.$/m);
    expect(wiki).toMatch(/^\* alerts$/m);
    expect(wiki).toMatch(/^\*\* nested item$/m);
    expect(wiki).toContain('{| class="wikitable"\n! Tier !! Limit\n|-\n| hot || 14 days\n|}');
    expect(wiki).toContain('<pre>\n# not a heading\ndu -sh /var/log/*\n</pre>');
  });
});

describe.skipIf(!hasMediaWiki)(
  hasMediaWiki ? 'mediawiki init.sh (Debian MediaWiki, SQLite)' : 'mediawiki init.sh skipped: Debian mediawiki package or php not installed',
  () => {
    let dataDir = '';
    let port = 0;
    let web: ChildProcess | null = null;
    let env: Record<string, string> = {};
    const runbookCount = () =>
      (readdirSync(path.join(REPO_ROOT, 'demo/runbooks'), { recursive: true }) as string[]).filter((name) => name.endsWith('.md')).length;

    const runInit = () => spawnSync('sh', [INIT], { env, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });

    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'kmcp-mw-'));
      port = await freePort();
      env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MW_DIR: DEBIAN_MW,
        MW_DATA_DIR: dataDir,
        RUNBOOKS_DIR: path.join(REPO_ROOT, 'demo/runbooks'),
        MW_SERVER: `http://127.0.0.1:${port}`,
      };
    });

    afterAll(() => {
      if (web && web.exitCode === null) web.kill('SIGTERM');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it(
      'installs the wiki and imports every runbook, searchable through the Action API',
      async () => {
        const first = runInit();
        expect(first.stderr + first.stdout).toContain('mediawiki-init: done');
        expect(first.status).toBe(0);
        expect(first.stdout).toContain(`Done! ${runbookCount()} succeeded, 0 skipped.`);

        web = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', DEBIAN_MW], {
          env: { ...env, MW_CONFIG_FILE: path.join(dataDir, 'LocalSettings.php') },
          stdio: 'ignore',
        });
        const api = `http://127.0.0.1:${port}/api.php`;
        let body: { query?: { search?: Array<{ title: string }> } } = {};
        for (let attempt = 0; attempt < 50 && !body.query; attempt += 1) {
          try {
            const response = await fetch(`${api}?action=query&list=search&srsearch=certificate&srwhat=text&format=json`);
            body = (await response.json()) as typeof body;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
        expect(body.query?.search?.map((hit) => hit.title)).toContain('TLS Certificate Rotation Runbook');

        const page = (await (
          await fetch(`${api}?action=query&prop=revisions&rvprop=content&rvslots=main&titles=Access%20Request%20Process&format=json&formatversion=2`)
        ).json()) as { query: { pages: Array<{ revisions: Array<{ slots: { main: { content: string } } }> }> } };
        const text = page.query.pages[0]?.revisions[0]?.slots.main.content ?? '';
        expect(text).toMatch(/^== Production access ==$/m);
        expect(text).not.toContain('title: Access Request Process');
      },
      INSTALL_TIMEOUT_MS,
    );

    it(
      'is safe to run again: no re-install, unchanged pages skipped',
      () => {
        const again = runInit();
        expect(again.status).toBe(0);
        expect(again.stdout).not.toContain('installing MediaWiki');
        expect(again.stdout).toContain(`Done! 0 succeeded, ${runbookCount()} skipped.`);
        expect(again.stdout).toContain('runbooks unchanged, search index kept');
      },
      INSTALL_TIMEOUT_MS,
    );
  },
);
