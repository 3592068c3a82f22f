// The markdown-folder connector on real folders: re-indexing on change, path safety, front
// matter, updated_after, URLs, and the shipped demo runbooks.
import { mkdir, mkdtemp, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { markdownFactory } from '../../../connectors/markdown/index.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
const signal = () => AbortSignal.timeout(10_000);

function createConnector(dir: string, extra: Record<string, unknown> = {}): Connector {
  const config = markdownFactory.configSchema.parse({ name: 'wiki', kind: 'markdown', dir, refresh_interval_ms: 0, ...extra });
  return markdownFactory.create(config, { logger: silentLogger, dataDir: dir, env: {} });
}

async function ids(connector: Connector, query: string, updatedAfter: Date | null = null): Promise<string[]> {
  const hits = await connector.search({ query, limit: 10, updatedAfter, signal: signal() });
  return hits.map((hit) => hit.nativeId);
}

describe('markdown folder connector', () => {
  let root: string;
  let wiki: string;
  let connector: Connector;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'markdown-wiki-'));
    wiki = path.join(root, 'wiki');
    await mkdir(path.join(wiki, 'oncall'), { recursive: true });
    await writeFile(
      path.join(wiki, 'oncall', 'pager.md'),
      '---\ntitle: Pager duty handbook\nurl: https://wiki.example.com/oncall/pager\nupdated: 2024-02-01\nowner: sre\n---\n# Pager\n\nAcknowledge every page within five minutes.\n',
    );
    await writeFile(path.join(wiki, 'deploy-guide.md'), '# Shipping releases\n\nCanary analysis compares the new release with the baseline.\n');
    connector = createConnector(wiki);
    await connector.start?.(signal());
  });

  afterEach(async () => {
    await connector.close();
    await rm(root, { recursive: true, force: true });
  });

  it('uses relative paths as ids and honours front matter', async () => {
    const [hit] = await connector.search({ query: 'acknowledge page', limit: 5, updatedAfter: null, signal: signal() });
    expect(hit).toMatchObject({
      nativeId: 'oncall/pager.md',
      title: 'Pager duty handbook',
      url: 'https://wiki.example.com/oncall/pager',
      updatedAt: '2024-02-01T00:00:00.000Z',
    });
    expect(hit?.snippet).toContain('**Acknowledge**');
    const document = await connector.get('oncall/pager.md', signal());
    expect(document?.content).toBe('# Pager\n\nAcknowledge every page within five minutes.');
    expect(document?.metadata).toEqual({ path: 'oncall/pager.md', owner: 'sre' });
  });

  it('falls back to the first heading for the title and to the file time for updated', async () => {
    await utimes(path.join(wiki, 'deploy-guide.md'), new Date('2023-05-06T07:08:09Z'), new Date('2023-05-06T07:08:09Z'));
    const [hit] = await connector.search({ query: 'canary', limit: 5, updatedAfter: null, signal: signal() });
    expect(hit?.title).toBe('Shipping releases');
    expect(hit?.updatedAt).toBe('2023-05-06T07:08:09.000Z');
    expect(hit?.url).toBeNull();
  });

  it('ranks a title match above a body mention', async () => {
    await writeFile(path.join(wiki, 'canary.md'), '---\ntitle: Canary\n---\nWhat a canary release is.\n');
    await writeFile(path.join(wiki, 'misc.md'), '# Misc\n\ncanary canary notes and other things in a long page about many topics\n');
    expect((await ids(connector, 'canary'))[0]).toBe('canary.md');
  });

  it('stems English words so plural and -ing forms match', async () => {
    expect(await ids(connector, 'acknowledging pages')).toContain('oncall/pager.md');
    const unstemmed = createConnector(wiki, { stemming: false });
    expect(await ids(unstemmed, 'acknowledging')).toEqual([]);
    await unstemmed.close();
  });

  it('sees new, edited and deleted files on the next search', async () => {
    expect(await ids(connector, 'tangerine')).toEqual([]);
    await writeFile(path.join(wiki, 'fruit.md'), '# Fruit\n\nTangerine crates arrive on Mondays.\n');
    expect(await ids(connector, 'tangerine')).toEqual(['fruit.md']);

    await writeFile(path.join(wiki, 'fruit.md'), '# Fruit\n\nPersimmon crates arrive on Tuesdays, a longer line.\n');
    expect(await ids(connector, 'tangerine')).toEqual([]);
    expect(await ids(connector, 'persimmon')).toEqual(['fruit.md']);
    expect((await connector.get('fruit.md', signal()))?.content).toContain('Persimmon');

    await unlink(path.join(wiki, 'fruit.md'));
    expect(await ids(connector, 'persimmon')).toEqual([]);
    expect(await connector.get('fruit.md', signal())).toBeNull();
    expect((await connector.health(signal())).documentCount).toBe(2);
  });

  it('keeps answering from the index between refresh intervals', async () => {
    const lazy = createConnector(wiki, { refresh_interval_ms: 60_000 });
    await lazy.start?.(signal());
    await writeFile(path.join(wiki, 'later.md'), '# Later\n\nQuokka sightings.\n');
    expect(await ids(lazy, 'quokka')).toEqual([]);
    await lazy.close();
  });

  it('filters by updated_after', async () => {
    expect(await ids(connector, 'pager canary', new Date('2099-01-01T00:00:00Z'))).toEqual([]);
    expect(await ids(connector, 'acknowledge', new Date('2024-01-31T00:00:00Z'))).toEqual(['oncall/pager.md']);
    expect(await ids(connector, 'acknowledge', new Date('2024-02-02T00:00:00Z'))).toEqual([]);
  });

  it('never reads outside the folder', async () => {
    await writeFile(path.join(root, 'secret.md'), '# Secret\n\nZeppelin launch codes.\n');
    await symlink(path.join(root, 'secret.md'), path.join(wiki, 'leak.md'));
    await symlink(root, path.join(wiki, 'parent'));
    await symlink(path.join(wiki, 'oncall'), path.join(wiki, 'alias'));
    expect(await ids(connector, 'zeppelin')).toEqual([]);
    for (const id of [
      '../secret.md',
      'leak.md',
      'parent/secret.md',
      '/etc/passwd',
      '../../etc/passwd',
      'oncall/../../secret.md',
      'oncall\\..\\..\\secret.md',
      './deploy-guide.md',
      '',
    ]) {
      expect(await connector.get(id, signal())).toBeNull();
    }
    // Directory links are not walked (no duplicates, no loops); a file link inside the folder is a page.
    expect(await ids(connector, 'acknowledge')).toEqual(['oncall/pager.md']);
    await symlink(path.join(wiki, 'oncall', 'pager.md'), path.join(wiki, 'latest.md'));
    expect((await ids(connector, 'acknowledge')).sort()).toEqual(['latest.md', 'oncall/pager.md']);
  });

  it('does not follow a page that became a link to the outside after indexing', async () => {
    await writeFile(path.join(root, 'secret.md'), '# Secret\n\nZeppelin launch codes.\n');
    const lazy = createConnector(wiki, { refresh_interval_ms: 60_000 });
    await lazy.start?.(signal());
    await unlink(path.join(wiki, 'deploy-guide.md'));
    await symlink(path.join(root, 'secret.md'), path.join(wiki, 'deploy-guide.md'));
    expect(await lazy.get('deploy-guide.md', signal())).toBeNull();
    await lazy.close();
  });

  it('recognises its own front-matter urls', () => {
    expect(connector.recognizeUrl?.('https://wiki.example.com/oncall/pager/')).toBe('oncall/pager.md');
    expect(connector.recognizeUrl?.('https://wiki.example.com/oncall/pager#ack')).toBe('oncall/pager.md');
    expect(connector.recognizeUrl?.('https://elsewhere.example.com/oncall/pager')).toBeNull();
  });

  it('builds urls from url_prefix for pages without one', async () => {
    const prefixed = createConnector(wiki, { url_prefix: 'https://git.example.com/wiki/blob/main/' });
    const [hit] = await prefixed.search({ query: 'canary', limit: 1, updatedAfter: null, signal: signal() });
    expect(hit?.url).toBe('https://git.example.com/wiki/blob/main/deploy-guide.md');
    expect(prefixed.recognizeUrl?.('https://git.example.com/wiki/blob/main/deploy-guide.md')).toBe('deploy-guide.md');
    await prefixed.close();
  });

  it('reports a missing folder as unhealthy and fails searches with a source error', async () => {
    const missing = createConnector(path.join(root, 'nope'));
    expect(await missing.health(signal())).toMatchObject({ ok: false, documentCount: null });
    await expect(missing.search({ query: 'x', limit: 1, updatedAfter: null, signal: signal() })).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
    });
    await missing.close();
  });
});

describe('demo runbooks', () => {
  const demo = createConnector(path.resolve('demo/runbooks'));

  it.each([
    ['remote work', 'policies/remote-work.md'],
    ['travel hotel per-diem', 'policies/travel.md'],
    ['postgres failover patroni', 'oncall/database-failover.md'],
    ['rotate TLS certificate', 'security/tls-certificate-rotation.md'],
    ['roll back a release', 'deploy/rollback-runbook.md'],
    ['point-in-time restore', 'operations/backup-and-restore.md'],
  ])('finds %j in %s first', async (query, id) => {
    expect((await ids(demo, query))[0]).toBe(id);
  });

  it('serves about twenty pages, each with a title, date and url', async () => {
    expect((await demo.health(signal())).documentCount).toBeGreaterThanOrEqual(20);
    const hits = await demo.search({ query: 'policy runbook checklist guide template', limit: 50, updatedAfter: null, signal: signal() });
    for (const hit of hits) {
      expect(hit.url).toMatch(/^https:\/\/wiki\.example\.com\//);
      expect(hit.updatedAt).toMatch(/^20\d\d-\d\d-\d\dT00:00:00\.000Z$/);
    }
  });
});
