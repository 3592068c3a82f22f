// A warm search asked again is answered from the remembered output while the cache's lease holds,
// with the same answer, log event and hit count as a lookup would give, and never across callers.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryGenerationStore } from '../../../src/cache/generation-store.js';
import { MemoryCacheStore } from '../../../src/cache/memory-store.js';
import { ReadThroughCache } from '../../../src/cache/read-through.js';
import { silentLogger } from '../../../src/shared-state/logger.js';
import type { FederationDeps } from '../../../src/federation/settings.js';
import type { Caller } from '../../../src/federation/types.js';
import { requestLine } from '../../../src/log-request-line.js';
import { createLogger } from '../../../src/logger.js';
import { buildFederation, caller, docs, never } from './helpers.js';

function harness(extra: Partial<Omit<FederationDeps, 'sources' | 'settings'>> = {}) {
  const clock = { now: 1_000_000 };
  const events: string[] = [];
  const generations = new MemoryGenerationStore();
  const store = new MemoryCacheStore({ maxBytes: 1e7, clock: () => clock.now });
  const cache = new ReadThroughCache({
    store,
    generations,
    health: null,
    settings: { staleMs: 30_000, keyPrefix: 't:', lockTtlMs: 2_000, lockWaitMs: 500, lockPollMs: 2, refreshTimeoutMs: 5_000 },
    logger: silentLogger,
    observer: { event: (label, event) => events.push(`${label}:${event}`), degraded: () => undefined },
    clock: () => clock.now,
  });
  const built = buildFederation(
    [
      { name: 'alpha', documents: docs('a', 6) },
      { name: 'beta', documents: docs('b', 6) },
    ],
    { cache: { searchTtlMs: 60_000 } },
    { cache, generations, now: () => clock.now, ...extra },
  );
  const searchCalls = () => built.connectors.reduce((sum, connector) => sum + connector.callsOf('search').length, 0);
  return { ...built, clock, events, generations, store, searchCalls };
}

const withRequest = (base: Caller, requestId: string): Caller => ({ ...base, requestId });

describe('repeated searches', () => {
  it('answers a warm repeat with the same frozen output, without a lookup or a source call, logged and counted as a hit', async () => {
    const { federation, events, logger, searchCalls } = harness();
    const miss = await federation.search({ query: 'body', limit: 3 }, withRequest(caller(), 'r1'), never());
    const hit = await federation.search({ query: 'body', limit: 3 }, withRequest(caller(), 'r2'), never());
    const replay = await federation.search({ query: 'body', limit: 3 }, withRequest(caller(), 'r3'), never());
    const again = await federation.search({ query: 'body', limit: 3 }, withRequest(caller(), 'r4'), never());
    expect(miss.cached).toBe(false);
    expect(hit.cached).toBe(true);
    expect(replay).toBe(again);
    expect(Object.isFrozen(replay)).toBe(true);
    expect(replay).toEqual({ ...hit, took_ms: 0 });
    expect(searchCalls()).toBe(2); // the miss, once per source
    expect(events).toEqual(['search:miss', 'search:hit', 'search:hit', 'search:hit']);
    const infos = logger.entries.filter((entry) => entry.level === 'info').map((entry) => entry.obj);
    expect(infos).toHaveLength(4);
    const { reqId: _r2, ...hitEvent } = infos[1] as Record<string, unknown>;
    for (const [index, requestId] of [
      [2, 'r3'],
      [3, 'r4'],
    ] as const) {
      expect(infos[index]).toEqual({ ...hitEvent, reqId: requestId });
    }
  });

  it('writes each replay’s line through the prepared request line, the same line the logger writes for the hit', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger('info', stream).child({ component: 'federation' });
    const prepared: string[] = [];
    const { federation } = harness({
      logger,
      requestLines: (bindings, message) => {
        const line = requestLine(logger, bindings, message)!;
        return (requestId, tookMs) => {
          prepared.push(requestId);
          line(requestId, tookMs);
        };
      },
    });
    for (const requestId of ['r1', 'r2', 'r3', 'r4']) await federation.search({ query: 'body', limit: 3 }, withRequest(caller(), requestId), never());
    await new Promise((resolve) => setImmediate(resolve));
    expect(prepared).toEqual(['r3', 'r4']);
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.reqId)).toEqual(['r1', 'r2', 'r3', 'r4']);
    const withoutTimes = ({ reqId: _id, time: _time, took_ms: _took, ...rest }: Record<string, unknown>) => rest;
    expect(withoutTimes(events[2]!)).toEqual(withoutTimes(events[1]!));
    expect(withoutTimes(events[3]!)).toEqual(withoutTimes(events[1]!));
    expect(events[3]).toMatchObject({ component: 'federation', event: 'search', cached: true, took_ms: 0, msg: 'search' });
  });

  it('never answers one caller with another caller’s output: key name, scope and principals each count', async () => {
    const { federation } = harness();
    const callers: Caller[] = [
      caller(null, 'one'),
      caller(null, 'two'),
      caller(['alpha'], 'one'),
      { ...caller(null, 'one'), principals: ['group:a'] },
      { ...caller(null, 'one'), principals: ['group:b'] },
    ];
    const replays = [];
    for (const who of callers) {
      for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 2 }, who, never());
      replays.push(await federation.search({ query: 'body', limit: 2 }, who, never()));
    }
    expect(new Set(replays).size).toBe(callers.length);
    expect(new Set(replays.map((output) => output.next_cursor)).size).toBe(callers.length);
    expect(replays[2]!.results.every((result) => result.source === 'alpha')).toBe(true);
    const page2 = await federation.search({ query: 'body', limit: 2, cursor: replays[1]!.next_cursor! }, caller(null, 'two'), never());
    expect(page2.results).toHaveLength(2);
  });

  it('is not used for other arguments', async () => {
    const { federation } = harness();
    for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 3 }, caller(), never());
    const other = await federation.search({ query: 'body', limit: 2 }, caller(), never());
    expect(other.results).toHaveLength(2);
    expect(other.cached).toBe(false);
  });

  it('stops at once when a source is ingested again (its generation is bumped)', async () => {
    const { federation, generations, searchCalls } = harness();
    for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 3 }, caller(), never());
    expect(searchCalls()).toBe(2);
    await generations.bump('beta');
    const after = await federation.search({ query: 'body', limit: 3 }, caller(), never());
    expect(after.cached).toBe(false);
    expect(searchCalls()).toBe(4);
  });

  it('stops when the cached page stops being fresh: the stale page is served and refreshed as without replays', async () => {
    const { federation, clock, events } = harness();
    for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 3 }, caller(), never());
    clock.now += 60_000;
    events.length = 0;
    const stale = await federation.search({ query: 'body', limit: 3 }, caller(), never());
    expect(stale.cached).toBe(true);
    expect(events[0]).toBe('search:stale');
  });

  it('stops when the cache has dropped the page', async () => {
    const { federation, store, searchCalls } = harness();
    for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 3 }, caller(), never());
    await store.close();
    const after = await federation.search({ query: 'body', limit: 3 }, caller(), never());
    expect(after.cached).toBe(false);
    expect(searchCalls()).toBe(4);
  });

  it('still refuses an aborted call', async () => {
    const { federation } = harness();
    for (let i = 0; i < 3; i += 1) await federation.search({ query: 'body', limit: 3 }, caller(), never());
    const aborted = new AbortController();
    aborted.abort(new Error('client gone'));
    await expect(federation.search({ query: 'body', limit: 3 }, caller(), aborted.signal)).rejects.toThrow('client gone');
  });
});
