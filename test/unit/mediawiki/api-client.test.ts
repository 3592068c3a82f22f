// The Action API seam: maxlag and Retry-After honoured with bounded retries, bot-password login
// with session cookies, re-login when the session is lost, abort on every call, errors mapped.
import { describe, expect, it } from 'vitest';
import { MediaWikiApi, parseRetryAfter, type FetchLike } from '../../../connectors/mediawiki/api-client.js';
import { SourceError } from '../../../connectors/contract/errors.js';

const URL_ = 'https://wiki.example.com/w/api.php';
const json = (body: unknown, init: ResponseInit = {}): Response =>
  new Response(JSON.stringify(body), { status: 200, ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });

interface Seen {
  url: string;
  method: string;
  params: URLSearchParams;
  cookie: string | null;
}

/** A scripted wiki: answers each call with the next scripted response and records the requests. */
function scripted(responses: Array<(seen: Seen) => Response>): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl: FetchLike = async (input, init) => {
    init.signal?.throwIfAborted();
    const url = new URL(input);
    const params = init.method === 'POST' ? new URLSearchParams(String(init.body)) : url.searchParams;
    const headers = init.headers as Record<string, string>;
    const record = { url: input, method: init.method ?? 'GET', params, cookie: headers.cookie ?? null };
    seen.push(record);
    const next = responses.shift();
    if (!next) throw new Error('unexpected call');
    return next(record);
  };
  return { fetch: fetchImpl, seen };
}

const api = (fetchImpl: FetchLike, extra: Partial<ConstructorParameters<typeof MediaWikiApi>[0]> = {}) =>
  new MediaWikiApi({ url: URL_, credentials: null, maxConcurrency: 2, maxlag: 5, maxRetryWaitMs: 20, fetch: fetchImpl, ...extra });
const signal = () => AbortSignal.timeout(5000);

describe('MediaWikiApi', () => {
  it('sends maxlag, JSON format v2 and a descriptive user agent', async () => {
    const { fetch, seen } = scripted([() => json({ query: {} })]);
    await api(fetch).call({ action: 'query', list: 'search', srsearch: 'x' }, signal());
    expect(seen[0]?.params.get('maxlag')).toBe('5');
    expect(seen[0]?.params.get('format')).toBe('json');
    expect(seen[0]?.params.get('formatversion')).toBe('2');
    expect(seen[0]?.method).toBe('GET');
  });

  it('waits for Retry-After and retries when the wiki reports maxlag', async () => {
    const { fetch, seen } = scripted([
      () => json({ error: { code: 'maxlag', info: 'Waiting for db: 7 seconds lagged' } }, { headers: { 'retry-after': '0' } }),
      () => json({ query: { ok: 1 } }),
    ]);
    await expect(api(fetch).call({ action: 'query' }, signal())).resolves.toEqual({ query: { ok: 1 } });
    expect(seen).toHaveLength(2);
  });

  it('retries 429 and 503 a bounded number of times, then gives up with SOURCE_UNAVAILABLE', async () => {
    const busy = () => new Response('busy', { status: 503, headers: { 'retry-after': '0' } });
    const { fetch, seen } = scripted([busy, () => new Response('slow down', { status: 429 }), busy]);
    const error = await api(fetch, { maxRetries: 2 })
      .call({ action: 'query' }, signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('SOURCE_UNAVAILABLE');
    expect(seen).toHaveLength(3);
  });

  it('stops waiting out a long Retry-After when the caller aborts', async () => {
    const { fetch } = scripted([() => json({ error: { code: 'maxlag' } }, { headers: { 'retry-after': '3600' } })]);
    const client = api(fetch, { maxRetryWaitMs: 60_000 });
    const started = Date.now();
    await expect(client.call({ action: 'query' }, AbortSignal.timeout(50))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects at once when the signal is already aborted, without calling the wiki', async () => {
    const { fetch, seen } = scripted([]);
    const controller = new AbortController();
    controller.abort();
    await expect(api(fetch).call({ action: 'query' }, controller.signal)).rejects.toThrow();
    expect(seen).toHaveLength(0);
  });

  it('maps API errors and non-JSON answers to SourceError without leaking the body', async () => {
    const { fetch } = scripted([
      () => json({ error: { code: 'readapidenied', info: 'You need read permission' } }),
      () => new Response('<html>login page</html>', { status: 200 }),
      () => new Response('nope', { status: 500 }),
    ]);
    const client = api(fetch);
    await expect(client.call({ action: 'query' }, signal())).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: expect.stringContaining('requires login'),
    });
    await expect(client.call({ action: 'query' }, signal())).rejects.toMatchObject({ code: 'SOURCE_ERROR' });
    await expect(client.call({ action: 'query' }, signal())).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', message: 'wiki answered HTTP 500' });
  });

  it('logs in with the bot password once, sends the session cookie and assert=user', async () => {
    const { fetch, seen } = scripted([
      () => json({ query: { tokens: { logintoken: 'tok+\\' } } }, { headers: { 'set-cookie': 'wiki_session=s1; path=/; HttpOnly' } }),
      () => json({ login: { result: 'Success' } }, { headers: { 'set-cookie': 'wikiUserID=3; path=/' } }),
      () => json({ query: { a: 1 } }),
      () => json({ query: { b: 2 } }),
    ]);
    const client = api(fetch, { credentials: { username: 'Bot@app', password: 'secret' } });
    await Promise.all([client.call({ action: 'query' }, signal()), client.call({ action: 'query' }, signal())]);
    expect(seen.map((s) => s.params.get('action'))).toEqual(['query', 'login', 'query', 'query']);
    expect(seen[1]?.method).toBe('POST');
    expect(seen[1]?.params.get('lgtoken')).toBe('tok+\\');
    expect(seen[1]?.cookie).toBe('wiki_session=s1');
    expect(seen[2]?.cookie).toBe('wiki_session=s1; wikiUserID=3');
    expect(seen[2]?.params.get('assert')).toBe('user');
  });

  it('logs in again once when the session is lost', async () => {
    const { fetch, seen } = scripted([
      () => json({ query: { tokens: { logintoken: 't1' } } }),
      () => json({ login: { result: 'Success' } }),
      () => json({ error: { code: 'assertuserfailed' } }),
      () => json({ query: { tokens: { logintoken: 't2' } } }),
      () => json({ login: { result: 'Success' } }),
      () => json({ query: { ok: true } }),
    ]);
    const client = api(fetch, { credentials: { username: 'Bot@app', password: 'secret' } });
    await expect(client.call({ action: 'query' }, signal())).resolves.toEqual({ query: { ok: true } });
    expect(seen).toHaveLength(6);
  });

  it('reports a refused login clearly', async () => {
    const { fetch } = scripted([
      () => json({ query: { tokens: { logintoken: 't' } } }),
      () => json({ login: { result: 'Failed', reason: 'Incorrect username or password entered.' } }),
    ]);
    const client = api(fetch, { credentials: { username: 'Bot@app', password: 'wrong' } });
    await expect(client.call({ action: 'query' }, signal())).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: expect.stringContaining('wiki login failed (Failed)'),
    });
  });

  it('posts long parameter lists instead of building huge URLs', async () => {
    const { fetch, seen } = scripted([() => json({ query: {} })]);
    await api(fetch).call({ action: 'query', titles: Array.from({ length: 50 }, (_, i) => `A rather long page title number ${i}`).join('|') }, signal());
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe(URL_);
  });

  it('keeps at most max_concurrency calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: FetchLike = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return json({ query: {} });
    };
    const client = api(slow, { maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 10 }, () => client.call({ action: 'query' }, signal())));
    expect(peak).toBe(3);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
