import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import type { CacheComputeOptions, SearchCache } from '../../../src/federation/cache-port.js';
import type { SearchOutput } from '../../../src/federation/types.js';
import { buildFederation, caller, docs, never } from './helpers.js';

const rrf = { fusion: { mode: 'rrf' as const, rrfK: 60 } };

const three = () => [
  { name: 'alpha', documents: docs('a', 10) },
  { name: 'beta', documents: docs('b', 10) },
  { name: 'gamma', documents: docs('g', 10) },
];

async function expectCode(promise: Promise<unknown>, code: string): Promise<KnowledgeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KnowledgeError);
  expect((error as KnowledgeError).code).toBe(code);
  expect((error as KnowledgeError).expose).toBe(true);
  return error as KnowledgeError;
}

/** A Map-backed cache that records what the federation allowed it to store. */
function memoryCache(): SearchCache & { stored: Map<string, unknown>; decisions: boolean[]; sources: Array<readonly string[]> } {
  const stored = new Map<string, unknown>();
  const decisions: boolean[] = [];
  const sources: Array<readonly string[]> = [];
  return {
    stored,
    decisions,
    sources,
    async getOrCompute<T>(key: string, compute: (signal: AbortSignal) => Promise<T>, options: CacheComputeOptions<T>) {
      if (stored.has(key)) return { value: structuredClone(stored.get(key)) as T, cached: true };
      const value = await compute(options.signal);
      const store = options.shouldStore(value);
      decisions.push(store);
      sources.push(options.sources);
      if (store) stored.set(key, structuredClone(value));
      return { value, cached: false };
    },
  };
}

describe('search: fan-out and fusion', () => {
  it('asks every source once, fuses their lists and reports each', async () => {
    const { federation, connectors } = buildFederation(three(), rrf);
    const output = await federation.search({ query: 'document', limit: 6 }, caller(), never());
    expect(output.results.map((result) => result.id)).toEqual(['alpha:a1', 'beta:b1', 'gamma:g1', 'alpha:a2', 'beta:b2', 'gamma:g2']);
    expect(output.results[0]).toMatchObject({ source: 'alpha', title: 'A document 1', url: 'https://docs.example.com/a/1' });
    expect(output.sources.map(({ name, status, count }) => [name, status, count])).toEqual([
      ['alpha', 'ok', 7],
      ['beta', 'ok', 7],
      ['gamma', 'ok', 7],
    ]);
    expect(output.partial).toBe(false);
    expect(output.cached).toBe(false);
    expect(output.next_cursor).not.toBeNull();
    for (const connector of connectors) expect(connector.callsOf('search').map((call) => call.limit)).toEqual([7]);
  });

  it('weights sources by their config weight', async () => {
    const { federation } = buildFederation(
      [
        { name: 'alpha', documents: docs('a', 3) },
        { name: 'beta', documents: docs('b', 3), weight: 3 },
      ],
      rrf,
    );
    const output = await federation.search({ query: 'x', limit: 3 }, caller(), never());
    // 3/61 > 3/62 > 3/63 > 1/61: beta's top three come first.
    expect(output.results.map((result) => result.id)).toEqual(['beta:b1', 'beta:b2', 'beta:b3']);
  });

  it('gives the same order on every call when scores tie', async () => {
    const { federation } = buildFederation(three());
    const first = await federation.search({ query: 'x', limit: 9 }, caller(), never());
    for (let round = 0; round < 5; round += 1) {
      const again = await federation.search({ query: 'x', limit: 9 }, caller(), never());
      expect(again.results.map((result) => result.id)).toEqual(first.results.map((result) => result.id));
    }
  });

  it('shows a document found by two sources once, with also_in', async () => {
    const { federation } = buildFederation([
      { name: 'wiki', documents: [{ id: 'deploy', title: 'Deploy', url: 'https://docs.example.com/deploy' }] },
      { name: 'search', documents: [{ id: 'doc-9', title: 'Deploy', url: 'https://docs.example.com/deploy/?utm_source=es' }] },
    ]);
    const output = await federation.search({ query: 'deploy', limit: 10 }, caller(), never());
    expect(output.results).toHaveLength(1);
    expect(output.results[0]).toMatchObject({ id: 'wiki:deploy', also_in: ['search:doc-9'] });
  });
});

describe('search: partial answers and time limits', () => {
  it('answers from the healthy sources and reports the others; a hanging source costs about its timeout', async () => {
    const { federation, connectors } = buildFederation([
      { name: 'alpha', documents: docs('a', 3) },
      { name: 'beta', documents: docs('b', 3), behaviour: { fail: { message: 'index "docs" does not exist', expose: true } } },
      { name: 'gamma', documents: docs('g', 3), behaviour: { hang: true }, timeoutMs: 80 },
    ]);
    const started = performance.now();
    const output = await federation.search({ query: 'x', limit: 10 }, caller(), never());
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(75);
    expect(elapsed).toBeLessThan(1000);
    expect(output.results.map((result) => result.id)).toEqual(['alpha:a1', 'alpha:a2', 'alpha:a3']);
    expect(output.partial).toBe(true);
    expect(output.next_cursor).toBeNull();
    expect(output.sources).toEqual([
      { name: 'alpha', status: 'ok', took_ms: expect.any(Number), count: 3 },
      { name: 'beta', status: 'error', took_ms: expect.any(Number), count: 0, error: 'index "docs" does not exist' },
      { name: 'gamma', status: 'timeout', took_ms: expect.any(Number), count: 0, error: 'no answer within 80 ms' },
    ]);
    expect(connectors[2]!.calls[0]).toMatchObject({ outcome: 'cancelled', abortSeen: true });
  });

  it('cuts every source short at the overall deadline', async () => {
    const { federation } = buildFederation(
      [
        { name: 'alpha', documents: docs('a', 2) },
        { name: 'slow', documents: docs('s', 2), behaviour: { delayMs: 5000 }, timeoutMs: 10_000 },
      ],
      { deadlineMs: 100 },
    );
    const started = performance.now();
    const output = await federation.search({ query: 'x', limit: 10 }, caller(), never());
    expect(performance.now() - started).toBeLessThan(1500);
    expect(output.sources[1]).toMatchObject({ name: 'slow', status: 'timeout' });
  });

  it('reports a suspended source after 5 failed searches and keeps answering from the rest', async () => {
    const { federation, connectors } = buildFederation([
      { name: 'alpha', documents: docs('a', 2) },
      { name: 'beta', documents: docs('b', 2), behaviour: { fail: { message: 'connection refused', expose: true } } },
    ]);
    for (let index = 0; index < 5; index += 1) await federation.search({ query: `q${index}`, limit: 5 }, caller(), never());
    const output = await federation.search({ query: 'q5', limit: 5 }, caller(), never());
    expect(output.sources[1]).toMatchObject({ name: 'beta', status: 'suspended' });
    expect(output.results.map((result) => result.source)).toEqual(['alpha', 'alpha']);
    expect(connectors[1]!.callsOf('search')).toHaveLength(5);
  });

  it('marks sources left out by the filter as skipped, which is not partial', async () => {
    const { federation, connectors } = buildFederation(three());
    const output = await federation.search({ query: 'x', limit: 3, sources: ['beta'] }, caller(), never());
    expect(output.sources.map(({ name, status }) => [name, status])).toEqual([
      ['alpha', 'skipped'],
      ['beta', 'ok'],
      ['gamma', 'skipped'],
    ]);
    expect(output.partial).toBe(false);
    expect(connectors[0]!.calls).toHaveLength(0);
  });

  it('stops all backend work when the caller gives up', async () => {
    const { federation, connectors } = buildFederation(three().map((spec) => ({ ...spec, behaviour: { delayMs: 2000 } })));
    const controller = new AbortController();
    const pending = federation.search({ query: 'x', limit: 3 }, caller(), controller.signal);
    setTimeout(() => controller.abort(new Error('client closed the connection')), 20);
    await expect(pending).rejects.toThrow('client closed the connection');
    for (const connector of connectors) expect(connector.calls[0]).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('search: paging', () => {
  it('walks every result exactly once through next_cursor, asking sources only as deep as needed', async () => {
    const { federation, connectors } = buildFederation(three(), rrf);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const output: SearchOutput = await federation.search({ query: 'document', limit: 4, cursor }, caller(), never());
      seen.push(...output.results.map((result) => result.id));
      cursor = output.next_cursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined && pages < 20);
    expect(pages).toBe(8);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(connectors[0]!.callsOf('search').map((call) => call.limit)).toEqual([5, 9, 13, 17, 21, 25, 29, 33]);
  });

  it('pages exactly in score mode too: the normalisation window does not move with depth', async () => {
    const scored = (prefix: string, scores: number[]) => scores.map((score, index) => ({ id: `${prefix}${index + 1}`, title: `${prefix}${index + 1}`, score }));
    const { federation, connectors } = buildFederation([
      { name: 'alpha', documents: scored('a', [9, 8, 8, 7, 3, 2, 2, 1, 1, 1, 0.5, 0.5, 0.4, 0.3]) },
      { name: 'beta', documents: scored('b', [50, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4]) },
    ]);
    const whole = await federation.search({ query: 'x', limit: 50 }, caller(), never());
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const output: SearchOutput = await federation.search({ query: 'x', limit: 3, cursor }, caller(), never());
      paged.push(...output.results.map((result) => result.id));
      cursor = output.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(paged).toEqual(whole.results.map((result) => result.id));
    expect(paged).toHaveLength(27);
    expect(paged[0]).toBe('beta:b1');
    expect(connectors[0]!.callsOf('search')[1]?.limit).toBe(10);
  });

  it('refuses a cursor from another query, and a tampered one, with a clear message', async () => {
    const { federation } = buildFederation(three());
    const first = await federation.search({ query: 'document', limit: 4 }, caller(), never());
    const cursor = first.next_cursor!;
    const stale = await expectCode(federation.search({ query: 'other words', limit: 4, cursor }, caller(), never()), 'INVALID_CURSOR');
    expect(stale.message).toMatch(/different search/);
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'x' ? 'y' : 'x'}${cursor.slice(6)}`;
    await expectCode(federation.search({ query: 'document', limit: 4, cursor: tampered }, caller(), never()), 'INVALID_CURSOR');
  });

  it('refuses a cursor issued to another key, and one signed by an instance with another secret', async () => {
    const { federation } = buildFederation(three());
    const mine = await federation.search({ query: 'document', limit: 4 }, caller(null, 'ops'), never());
    await expectCode(federation.search({ query: 'document', limit: 4, cursor: mine.next_cursor! }, caller(null, 'ci'), never()), 'INVALID_CURSOR');
    const other = buildFederation(three(), { cursorSecret: 'another-secret' }).federation;
    await expectCode(other.search({ query: 'document', limit: 4, cursor: mine.next_cursor! }, caller(null, 'ops'), never()), 'INVALID_CURSOR');
    const sameSecret = buildFederation(three()).federation;
    const page2 = await sameSecret.search({ query: 'document', limit: 4, cursor: mine.next_cursor! }, caller(null, 'ops'), never());
    expect(page2.results).toHaveLength(4);
  });
});

describe('search: key scopes', () => {
  it('searches only the key’s sources and reports only those', async () => {
    const { federation, connectors } = buildFederation(three());
    const output = await federation.search({ query: 'x', limit: 10 }, caller(['beta']), never());
    expect(new Set(output.results.map((result) => result.source))).toEqual(new Set(['beta']));
    expect(output.sources.map((source) => source.name)).toEqual(['beta']);
    expect(connectors[0]!.calls).toHaveLength(0);
    expect(connectors[2]!.calls).toHaveLength(0);
  });

  it('answers a request for a forbidden source as for an unknown one, naming only visible sources', async () => {
    const { federation } = buildFederation(three());
    const error = await expectCode(federation.search({ query: 'x', limit: 10, sources: ['gamma'] }, caller(['beta']), never()), 'UNKNOWN_SOURCE');
    expect(error.message).toBe('unknown source "gamma"; available sources: beta');
    expect(error.message).not.toContain('alpha');
  });

  it('never hides a duplicate in a forbidden source behind also_in', async () => {
    const { federation } = buildFederation([
      { name: 'public', documents: [{ id: 'p', title: 'Deploy', url: 'https://x.org/deploy' }] },
      { name: 'private', documents: [{ id: 'q', title: 'Deploy', url: 'https://x.org/deploy' }] },
    ]);
    const output = await federation.search({ query: 'deploy', limit: 5 }, caller(['public']), never());
    expect(output.results).toEqual([expect.not.objectContaining({ also_in: expect.anything() })]);
  });
});

describe('search: cache and logging', () => {
  it('stores complete answers, never partial ones, and serves a repeat from the cache', async () => {
    const cache = memoryCache();
    const { federation, connectors } = buildFederation(
      [
        { name: 'alpha', documents: docs('a', 3) },
        { name: 'beta', documents: docs('b', 3) },
      ],
      {},
      { cache },
    );
    connectors[1]!.queueBehaviours({ fail: { message: 'down', expose: true } });
    const partial = await federation.search({ query: 'x', limit: 2 }, caller(), never());
    expect(partial.partial).toBe(true);
    const complete = await federation.search({ query: 'x', limit: 2 }, caller(), never());
    expect(complete.partial).toBe(false);
    const repeat = await federation.search({ query: '  x ', limit: 2 }, caller(), never());
    expect(cache.decisions).toEqual([false, true]);
    expect(cache.sources[0]).toEqual(['alpha', 'beta']);
    expect(repeat.cached).toBe(true);
    expect(repeat.results).toEqual(complete.results);
    expect(connectors[0]!.callsOf('search')).toHaveLength(2);
  });

  it('signs the cursor per caller even when the page comes from the cache', async () => {
    const cache = memoryCache();
    const { federation } = buildFederation(three(), {}, { cache });
    await federation.search({ query: 'x', limit: 2 }, caller(null, 'one'), never());
    const second = await federation.search({ query: 'x', limit: 2 }, caller(null, 'two'), never());
    expect(second.cached).toBe(true);
    const page2 = await federation.search({ query: 'x', limit: 2, cursor: second.next_cursor! }, caller(null, 'two'), never());
    expect(page2.results).toHaveLength(2);
  });

  it('logs one info event per search with per-source outcomes and no query text', async () => {
    const { federation, logger } = buildFederation(three());
    await federation.search({ query: 'confidential merger plans', limit: 3 }, caller(null, 'ops'), never());
    const infos = logger.entries.filter((entry) => entry.level === 'info');
    expect(infos).toHaveLength(1);
    expect(infos[0]!.obj).toMatchObject({ event: 'search', key: 'ops', partial: false, results: 3 });
    expect((infos[0]!.obj as { sources: unknown[] }).sources).toHaveLength(3);
    expect(JSON.stringify(infos)).not.toContain('merger');
    const debug = logger.entries.filter((entry) => entry.level === 'debug');
    expect(JSON.stringify(debug)).toContain('merger');
  });

  it('logs a refused search too, with its error code', async () => {
    const { federation, logger } = buildFederation(three());
    await expectCode(federation.search({ query: 'x', limit: 3, cursor: 'forged.cursor' }, caller(), never()), 'INVALID_CURSOR');
    const infos = logger.entries.filter((entry) => entry.level === 'info');
    expect(infos).toHaveLength(1);
    expect(infos[0]!.obj).toMatchObject({ event: 'search', outcome: 'INVALID_CURSOR', results: 0 });
  });
});
