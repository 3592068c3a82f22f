// The embedded default: PGlite under the data dir, migrated and seeded with the demo handbook on
// first start only, data kept across restarts, one instance shared by sources on one directory.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { openPgliteClient } from '../../../connectors/postgres/pglite-client.js';
import { seedIfEmpty } from '../../../src/composition/seed-source.js';
import { createPostgresConnector, fromArray, makeTempDir, quietLogger } from './helpers.js';

const HANDBOOK = path.resolve(import.meta.dirname, '../../../demo/handbook/handbook.jsonl');
// initdb in WebAssembly takes seconds, much longer on a busy machine.
vi.setConfig({ hookTimeout: 180_000, testTimeout: 120_000 });
const slow = () => AbortSignal.timeout(170_000);

const CLIENT_MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../../connectors/postgres/pglite-client.ts')).href;
/** Another process opening PGlite on `dataDir` (as `knowledge-mcp ingest` would): "opened" or "refused: <why>". */
async function openInAnotherProcess(dataDir: string): Promise<string> {
  // CommonJS on purpose: the PGlite worker inherits the process's flags, and its code is CommonJS.
  const code = `(async () => {
    const { openPgliteClient } = await import(${JSON.stringify(CLIENT_MODULE)});
    try {
      const client = await openPgliteClient({ dataDir: process.argv[1], sharedBuffersMb: 16 }, AbortSignal.timeout(120000));
      await client.close();
      console.log('opened');
    } catch (error) {
      console.log('refused: ' + error.message);
    }
  })()`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', code, dataDir], { timeout: 150_000 });
  return stdout.trim();
}

describe('postgres connector on embedded PGlite', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    temp = await makeTempDir('pglite');
  });

  afterAll(async () => {
    await temp?.remove();
  });

  it('seeds an empty source on first start and keeps its data across restarts without re-seeding', async () => {
    const first = createPostgresConnector({ name: 'handbook', seed_file: HANDBOOK }, temp.dir) as PostgresConnector;
    await first.start(slow());
    await seedIfEmpty(first, HANDBOOK, quietLogger, slow());
    try {
      expect(await first.health(slow())).toEqual({ ok: true, documentCount: 21 });
      const hits = await first.search({ query: 'referral bonus for hard-to-fill roles', limit: 3, updatedAfter: null, signal: slow() });
      expect(hits[0]?.nativeId).toBe('referral-program');
      expect(hits[0]?.snippet).toMatch(/\*\*(referral|bonus|roles)\*\*/i);
      await first.ingest(fromArray([{ id: 'extra', title: 'Extra', text: 'added after seeding' }]), { signal: slow() });
    } finally {
      await first.close();
    }
    const again = createPostgresConnector({ name: 'handbook', seed_file: HANDBOOK }, temp.dir) as PostgresConnector;
    await again.start(slow());
    await seedIfEmpty(again, HANDBOOK, quietLogger, slow());
    try {
      expect((await again.health(slow())).documentCount).toBe(22);
      expect((await again.get('extra', slow()))?.content).toBe('added after seeding');
    } finally {
      await again.close();
    }
  });

  it('lets two sources share one data directory', async () => {
    const a = createPostgresConnector({ name: 'alpha' }, temp.dir) as PostgresConnector;
    const b = createPostgresConnector({ name: 'beta' }, temp.dir) as PostgresConnector;
    await Promise.all([a.start(slow()), b.start(slow())]);
    try {
      await a.ingest(fromArray([{ id: '1', title: 'Alpha', text: 'walrus' }]), { signal: slow() });
      await b.ingest(fromArray([{ id: '1', title: 'Beta', text: 'walrus' }]), { signal: slow() });
      const [hitA] = await a.search({ query: 'walrus', limit: 5, updatedAfter: null, signal: slow() });
      const [hitB] = await b.search({ query: 'walrus', limit: 5, updatedAfter: null, signal: slow() });
      expect([hitA?.title, hitB?.title]).toEqual(['Alpha', 'Beta']);
      await a.close();
      // b keeps working after a closed its handle on the shared instance.
      expect((await b.health(slow())).documentCount).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lets one process at a time open a data directory: another is refused, not silently overwritten, until the first closes', async () => {
    const c = createPostgresConnector({ name: 'handbook' }, temp.dir) as PostgresConnector;
    await c.start(slow());
    const dataDir = path.join(temp.dir, 'pglite');
    try {
      expect(existsSync(`${dataDir}.lock`)).toBe(true);
      expect(await openInAnotherProcess(dataDir)).toMatch(/^refused: the embedded database in .* is open in another process \(pid \d+\)/);
    } finally {
      await c.close();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    expect(await openInAnotherProcess(dataDir)).toBe('opened');
  });

  it('without a template, makes a fresh data directory by initdb and serves it from a fresh worker, its writes kept', async () => {
    const dataDir = path.join(temp.dir, 'no-template');
    const first = await openPgliteClient({ dataDir, sharedBuffersMb: 16, templateDir: null }, slow());
    try {
      await first.exec('CREATE TABLE notes (body text); INSERT INTO notes VALUES ($$made after initdb$$)', slow());
      expect(await first.query('SELECT body FROM notes', [], slow())).toEqual([{ body: 'made after initdb' }]);
      // Still held once the worker has been restarted.
      expect(await openInAnotherProcess(dataDir)).toMatch(/^refused: /);
    } finally {
      await first.close();
    }
    const again = await openPgliteClient({ dataDir, sharedBuffersMb: 16, templateDir: null }, slow());
    try {
      expect(await again.query('SELECT body FROM notes', [], slow())).toEqual([{ body: 'made after initdb' }]);
    } finally {
      await again.close();
    }
  });

  it('refuses work once the signal has fired', async () => {
    const c = createPostgresConnector({ name: 'handbook' }, temp.dir) as PostgresConnector;
    await c.start(slow());
    try {
      const controller = new AbortController();
      controller.abort();
      await expect(c.search({ query: 'bonus', limit: 3, updatedAfter: null, signal: controller.signal })).rejects.toThrow();
    } finally {
      await c.close();
    }
  });
});
