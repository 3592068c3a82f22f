// Issue 17 in the markdown source: it reports per-word counts by its own analysis and, given the
// federation's statistics, ranks by them rather than by its own folder's.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { markdownFactory } from '../../../connectors/markdown/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const signal = () => AbortSignal.timeout(10_000);

describe('markdown source with global statistics', () => {
  let dir: string;
  let connector: Connector;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ranking-md-'));
    // In this folder "leave" is rare and "parental" common; in the federation it is the other way round.
    const pages: Record<string, string> = {
      'vacation.md': '# Vacation and leave\n\nLeave requests, leave approvals and leave balances.',
      'parental.md': '# Parental benefits\n\nParental support for new parents.',
      'parents-club.md': '# Parents club\n\nParental meetups.',
      'parental-faq.md': '# Parental FAQ\n\nParental questions.',
    };
    for (const [name, text] of Object.entries(pages)) await writeFile(path.join(dir, name), text);
    const config = markdownFactory.configSchema.parse({ name: 'md', kind: 'markdown', dir });
    connector = markdownFactory.create(config, { logger: silent, dataDir: dir, env: {} });
    await connector.start?.(signal());
  });
  afterAll(async () => {
    await connector.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports its document count and, per word, the pages holding it (stemmed its way; stop words left out)', async () => {
    const stats = await connector.collectionStatistics!({ words: ['parental', 'leaves', 'zyzzyva'], signal: signal() });
    expect(stats.documentCount).toBe(4);
    expect(stats.documentFrequencies).toEqual({ parental: 3, leaves: 1, zyzzyva: 0 });
    expect(stats.averageLength).toBeGreaterThan(0);
    expect(connector.usesGlobalStatistics).toBe(true);
  });

  it('ranks by the statistics it is given: the word rare in the federation decides', async () => {
    const request = { query: 'parental leave', limit: 4, updatedAfter: null, signal: signal() };
    const own = await connector.search({
      ...request,
      statistics: { documentCount: 4, averageLength: null, documentFrequencies: { parental: 3, leave: 1 } },
    });
    expect(own[0]!.nativeId).toBe('vacation.md');
    const federation = await connector.search({
      ...request,
      statistics: { documentCount: 1000, averageLength: null, documentFrequencies: { parental: 3, leave: 900 } },
    });
    expect(federation[0]!.nativeId).toMatch(/^parental/);
    expect(federation.at(-1)!.nativeId).toBe('vacation.md');
  });
});
