// HTTP seam to one wiki's Action API: polite concurrency cap, maxlag with bounded Retry-After
// retries, bot-password login with its session cookies, abort on every call, errors mapped.
import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import { SourceError, isAbortError } from '../contract/errors.js';
import type { MediaWikiCredentials } from './config.js';
import { sleep } from '../contract/abort.js';

export type ApiParams = Record<string, string | number | boolean | undefined>;
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface MediaWikiApiOptions {
  url: string;
  credentials: MediaWikiCredentials | null;
  maxConcurrency: number;
  maxlag: number;
  /** Retries after maxlag / 429 / 503 answers, each waiting what Retry-After says (capped). */
  maxRetries?: number;
  maxRetryWaitMs?: number;
  userAgent?: string;
  fetch?: FetchLike;
}

const apiErrorSchema = z.object({ code: z.string(), info: z.string().optional(), text: z.string().optional() });
const envelopeSchema = z.object({ error: apiErrorSchema.optional() }).passthrough();
const loginTokenSchema = z.object({ query: z.object({ tokens: z.object({ logintoken: z.string() }) }) });
const loginSchema = z.object({ login: z.object({ result: z.string(), reason: z.string().optional() }) });

const DEFAULT_USER_AGENT = 'knowledge-mcp/0.1 (MediaWiki connector; read-only search)';
// Errors that mean "the session is gone": log in again once and repeat the call.
const SESSION_LOST = new Set(['assertuserfailed', 'assertbotfailed', 'badtoken']);

/** Seconds (or an HTTP date) from Retry-After, as milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

class RetryableAnswer extends Error {
  constructor(
    readonly waitMs: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class MediaWikiApi {
  private readonly limit: LimitFunction;
  private readonly fetchImpl: FetchLike;
  private readonly cookies = new Map<string, string>();
  private login: Promise<void> | null = null;

  constructor(private readonly options: MediaWikiApiOptions) {
    this.limit = pLimit(options.maxConcurrency);
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get loggedIn(): boolean {
    return this.options.credentials !== null;
  }

  /** One `action=query` (or other read action) call; resolves with the parsed JSON body. */
  async call(params: ApiParams, signal: AbortSignal): Promise<Record<string, unknown>> {
    signal.throwIfAborted();
    if (this.options.credentials !== null) await this.ensureLogin(signal);
    const full: ApiParams = { format: 'json', formatversion: 2, maxlag: this.options.maxlag, ...params };
    // assert=user turns an expired session into an error instead of silently anonymous results.
    if (this.options.credentials !== null) full.assert = 'user';
    try {
      return await this.send(full, signal);
    } catch (error) {
      if (error instanceof SourceError && SESSION_LOST.has(String((error.cause as { code?: string })?.code))) {
        this.login = null;
        this.cookies.clear();
        await this.ensureLogin(signal);
        return this.send(full, signal);
      }
      throw error;
    }
  }

  private ensureLogin(signal: AbortSignal): Promise<void> {
    // Single-flight: concurrent first calls share one login; a failed login is retried next time.
    this.login ??= this.performLogin(signal).catch((error: unknown) => {
      this.login = null;
      throw error;
    });
    return this.login;
  }

  private async performLogin(signal: AbortSignal): Promise<void> {
    const credentials = this.options.credentials;
    if (credentials === null) return;
    const tokenBody = loginTokenSchema.safeParse(await this.send({ action: 'query', meta: 'tokens', type: 'login', format: 'json', formatversion: 2 }, signal));
    if (!tokenBody.success) throw new SourceError('SOURCE_ERROR', 'wiki login: no login token in the answer');
    const answer = loginSchema.safeParse(
      await this.send(
        {
          action: 'login',
          lgname: credentials.username,
          lgpassword: credentials.password,
          lgtoken: tokenBody.data.query.tokens.logintoken,
          format: 'json',
          formatversion: 2,
        },
        signal,
        'POST',
      ),
    );
    if (!answer.success || answer.data.login.result !== 'Success') {
      const reason = answer.success ? answer.data.login.result : 'unreadable answer';
      throw new SourceError('SOURCE_ERROR', `wiki login failed (${reason}); check the bot password`, {
        status: 502,
        cause: answer.success ? answer.data.login : undefined,
      });
    }
  }

  private async send(params: ApiParams, signal: AbortSignal, method?: 'GET' | 'POST'): Promise<Record<string, unknown>> {
    const maxRetries = this.options.maxRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limit(() => this.sendOnce(params, signal, method));
      } catch (error) {
        if (!(error instanceof RetryableAnswer)) throw error;
        if (attempt >= maxRetries) {
          throw new SourceError('SOURCE_UNAVAILABLE', `wiki is busy (${error.reason}); gave up after ${attempt + 1} tries`);
        }
        // Waiting happens outside the concurrency slot so a lagging wiki doesn't starve others.
        await sleep(Math.min(error.waitMs, this.options.maxRetryWaitMs ?? 5000), signal);
      }
    }
  }

  private async sendOnce(params: ApiParams, signal: AbortSignal, method?: 'GET' | 'POST'): Promise<Record<string, unknown>> {
    signal.throwIfAborted();
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== false) body.set(key, value === true ? '1' : String(value));
    }
    const encoded = body.toString();
    // Long title lists go in a POST body: proxies cut URLs long before the API's own limits.
    const verb = method ?? (encoded.length > 1800 ? 'POST' : 'GET');
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? DEFAULT_USER_AGENT, accept: 'application/json' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (verb === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    try {
      response = await this.fetchImpl(verb === 'GET' ? `${this.options.url}?${encoded}` : this.options.url, {
        method: verb,
        headers,
        body: verb === 'POST' ? encoded : undefined,
        signal,
        redirect: 'follow',
      });
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      throw new SourceError('SOURCE_UNAVAILABLE', 'wiki unreachable', { cause: error });
    }
    this.storeCookies(response);
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (response.status === 429 || response.status === 503) {
      await response.body?.cancel();
      throw new RetryableAnswer(retryAfter ?? 1000, `HTTP ${response.status}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new SourceError('SOURCE_UNAVAILABLE', `wiki answered HTTP ${response.status}`);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      throw new SourceError('SOURCE_ERROR', 'wiki answered something that is not JSON (is the URL api.php?)', { cause: error });
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new SourceError('SOURCE_ERROR', 'wiki answered an unexpected shape');
    const apiError = envelope.data.error;
    if (apiError !== undefined) {
      if (apiError.code === 'maxlag') throw new RetryableAnswer(retryAfter ?? 1000, 'maxlag');
      if (apiError.code === 'ratelimited') throw new RetryableAnswer(retryAfter ?? 1000, 'ratelimited');
      if (apiError.code === 'readapidenied') {
        throw new SourceError('SOURCE_ERROR', 'wiki requires login to read (readapidenied): configure a bot password', { cause: apiError });
      }
      throw new SourceError('SOURCE_ERROR', `wiki API error ${apiError.code}`, { cause: apiError });
    }
    return envelope.data as Record<string, unknown>;
  }

  private storeCookies(response: Response): void {
    const setCookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
    for (const line of setCookies) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // A deleted cookie comes back as an empty value or "deleted".
      if (value === '' || value === 'deleted') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
