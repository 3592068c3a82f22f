// A prepared request line is the line pino writes for child(bindings).info({ reqId, took_ms }, msg),
// byte for byte, and is refused wherever pino would do more than serialise.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestLine } from '../../../src/log-request-line.js';
import { createLogger } from '../../../src/logger.js';

function captured() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return { stream, text, clear: () => chunks.splice(0) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

const SEARCH_FIELDS = {
  event: 'search',
  key: null,
  outcome: 'ok',
  cached: true,
  partial: false,
  offset: 0,
  limit: 10,
  results: 9,
  sources: [
    { name: 'handbook', status: 'ok', took_ms: 18, count: 0 },
    { name: 'wiki "main"', status: 'error', took_ms: 2, count: 0, error: 'tab\there, ünïcode ✓, back\\slash' },
  ],
};

describe('prepared request line', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-08T03:22:52.144Z'));
  });
  afterEach(() => vi.useRealTimers());

  it.each([
    ['a search event', SEARCH_FIELDS, 'bff73ded-914e-492f-87e9-f1524adceb21', 0],
    ['nested and empty values', { a: { b: [1, null, 'x'] }, empty: '', n: -1.5, t: false }, 'req.1_a-B', 27],
    ['an id that needs escaping', { event: 'search' }, 'quote"and\\back\nline', 123456],
    ['a duration pino writes as null', { event: 'search' }, 'r', Number.NaN],
  ])('writes what pino writes for %s', (_name, bindings, requestId, tookMs) => {
    const ours = captured();
    const theirs = captured();
    const prepared = requestLine(createLogger('info', ours.stream).child({ component: 'federation' }), bindings, 'search');
    createLogger('info', theirs.stream).child({ component: 'federation' }).child(bindings).info({ reqId: requestId, took_ms: tookMs }, 'search');
    expect(prepared).not.toBeNull();
    prepared!(requestId, tookMs);
    expect(ours.text()).toBe(theirs.text());
    expect(JSON.parse(ours.text())).toMatchObject({ ...bindings, component: 'federation', reqId: requestId, msg: 'search' });
  });

  it('writes one line per call, each with its own request id and duration', () => {
    const out = captured();
    const prepared = requestLine(createLogger('info', out.stream), { event: 'search' }, 'search')!;
    prepared('r1', 1);
    prepared('r2', 2);
    const lines = out
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.reqId, line.took_ms])).toEqual([
      ['r1', 1],
      ['r2', 2],
    ]);
  });

  it('writes nothing where info is off, as pino would not', async () => {
    const out = captured();
    const prepared = requestLine(createLogger('warn', out.stream), { event: 'search' }, 'search');
    expect(prepared).not.toBeNull();
    prepared!('r1', 1);
    await flush();
    expect(out.text()).toBe('');
  });

  it('is refused where debug is on, so the caller also logs its debug line', () => {
    expect(requestLine(createLogger('debug', captured().stream), { event: 'search' }, 'search')).toBeNull();
  });

  it.each([
    ['a mixin', { mixin: () => ({ extra: 1 }) }],
    ['a log method hook', { hooks: { logMethod: (args: unknown[], method: (...a: unknown[]) => void) => method(...args) } }],
    ['a stream write hook', { hooks: { streamWrite: (line: string) => line } }],
    ['a serializer of reqId', { serializers: { reqId: (id: string) => id.toUpperCase() } }],
    ['a redacted took_ms', { redact: ['took_ms'] }],
    ['a nested key', { nestedKey: 'payload' }],
    ['a message prefix', { msgPrefix: '[x] ' }],
    ['custom levels only', { customLevels: { info: 35, debug: 10 }, useOnlyCustomLevels: true, level: 'info' }],
  ])('is refused for a logger with %s', (_name, options) => {
    expect(requestLine(pino(options as pino.LoggerOptions, captured().stream), { event: 'search' }, 'search')).toBeNull();
  });
});
