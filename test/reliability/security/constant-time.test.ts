// Keys are compared in constant time: a structural test, not a timing one. Every comparison goes
// through crypto.timingSafeEqual over two SHA-256 digests of equal length — never the key text —
// and every configured key is compared, matched or not, so neither which key matched nor how
// much of a guess was right can show in the time taken.
import * as crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../../src/http/auth.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { postJson, startTestApp } from '../../helpers/start-test-app.js';
import type { RunningServer } from '../../../src/server.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  // A plain wrapper: the native binding refuses to be called through vi.fn directly.
  return { ...actual, timingSafeEqual: vi.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => actual.timingSafeEqual(a, b)) };
});

const spy = vi.mocked(crypto.timingSafeEqual);
const KEYS: ApiKey[] = [
  { name: 'short', key: 'short-key-0123456', sources: null, rateLimitPerMinute: 0 },
  { name: 'long', key: `long-key-${'x'.repeat(80)}`, sources: null, rateLimitPerMinute: 0 },
  { name: 'third', key: 'third-key-abcdefghijklmnop', sources: ['a'], rateLimitPerMinute: 0 },
];

function comparedBuffers(): Array<[Buffer, Buffer]> {
  return spy.mock.calls.map(([a, b]) => [Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]);
}

describe('API key comparison', () => {
  const auth = createAuthenticator(KEYS, 'apikey');
  // A block body: a function returned from beforeEach is run as its teardown.
  beforeEach(() => {
    spy.mockClear();
  });

  it.each([
    ['a key of another length', 'nope'],
    ['a near miss of the right length', `${KEYS[0]!.key.slice(0, -1)}X`],
    ['the first key', KEYS[0]!.key],
    ['the last key', KEYS[2]!.key],
    ['a huge key', 'k'.repeat(100_000)],
  ])('compares %s against every key, as equal-length SHA-256 digests', (_label, presented) => {
    const outcome = auth.authenticate({ 'x-api-key': presented });
    const calls = comparedBuffers();
    expect(calls).toHaveLength(KEYS.length);
    for (const [candidate, known] of calls) {
      expect(candidate.length).toBe(32);
      expect(known.length).toBe(32);
      expect(candidate.equals(crypto.createHash('sha256').update(presented).digest())).toBe(true);
      expect(candidate.includes(Buffer.from(presented.slice(0, 8)))).toBe(false);
    }
    const known = calls.map(([, digest]) => digest.toString('hex'));
    expect(known).toEqual(KEYS.map((key) => crypto.createHash('sha256').update(key.key).digest('hex')));
    const expected = KEYS.find((key) => key.key === presented);
    expect(outcome).toEqual(expected ? { ok: true, key: expected } : { ok: false });
  });

  it('compares a Bearer token the same way', () => {
    expect(auth.authenticate({ authorization: `Bearer ${KEYS[1]!.key}` })).toEqual({ ok: true, key: KEYS[1] });
    expect(comparedBuffers()).toHaveLength(KEYS.length);
  });

  it('compares nothing when no key is presented (and refuses)', () => {
    expect(auth.authenticate({})).toEqual({ ok: false });
    expect(auth.authenticate({ authorization: 'Basic Zm9vOmJhcg==' })).toEqual({ ok: false });
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('API key comparison on the HTTP edge', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestApp({ service: createFakeSearchService(), keys: KEYS });
  });
  afterAll(() => server.close());
  // A block body: a function returned from beforeEach is run as its teardown.
  beforeEach(() => {
    spy.mockClear();
  });

  it('runs every request’s key through timingSafeEqual, wrong or right', async () => {
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'x-api-key': 'wrong-key-0123456789' })).status).toBe(401);
    expect(comparedBuffers()).toHaveLength(KEYS.length);
    spy.mockClear();
    expect((await postJson(server.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${KEYS[2]!.key}` })).status).toBe(200);
    expect(comparedBuffers()).toHaveLength(KEYS.length);
    expect(comparedBuffers().every(([a, b]) => a.length === 32 && b.length === 32)).toBe(true);
  });
});
