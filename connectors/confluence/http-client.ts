// Confluence HTTP access: auth header, JSON parsing, 429/503 `Retry-After` honoured within a
// bound, errors mapped to one-line SourceErrors, and the caller's AbortSignal on every wait.
import type { z } from 'zod';
import { SourceError, isAbortError } from '../contract/errors.js';
import type { ConnectorContext } from '../contract/types.js';
import { errorBodySchema } from './responses.js';
import { sleep } from '../contract/abort.js';

export type ConfluenceAuth = { type: 'basic'; user: string; secret: string } | { type: 'bearer'; token: string } | { type: 'none' };

export interface HttpClientOptions {
  /** Base URL including the context path, no trailing slash (`https://x.atlassian.net/wiki`). */
  baseUrl: string;
  auth: ConfluenceAuth;
  /** The longest single `Retry-After` wait accepted; longer ones fail at once. */
  maxRetryWaitMs: number;
  maxRetries: number;
  logger: ConnectorContext['logger'];
  userAgent: string;
}

export function authorizationHeader(auth: ConfluenceAuth): string | null {
  if (auth.type === 'basic') return `Basic ${Buffer.from(`${auth.user}:${auth.secret}`, 'utf8').toString('base64')}`;
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  return null;
}

/** Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date); null if absent. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value.trim()) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export class ConfluenceHttpClient {
  private readonly options: HttpClientOptions;
  private readonly origin: string;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.origin = new URL(options.baseUrl).origin;
  }

  /** Absolute URL for an API path (`/rest/api/…`) or a server-given relative link. */
  resolve(pathOrLink: string): string {
    const url = new URL(pathOrLink.startsWith('/') ? this.options.baseUrl + pathOrLink : pathOrLink);
    // Links come from the server; never let one send our credentials to another host.
    if (url.origin !== this.origin) throw new SourceError('SOURCE_ERROR', 'Confluence returned a link to another host');
    return url.toString();
  }

  /** GET JSON and parse it; `null` for 404 when `allowNotFound`. */
  async getJson<T>(pathOrLink: string, schema: z.ZodType<T>, signal: AbortSignal, allowNotFound = false): Promise<T | null> {
    return this.requestJson(pathOrLink, schema, signal, allowNotFound, undefined);
  }

  /** POST a JSON body (a read-only check such as permission/check) and parse the answer. */
  async postJson<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal, allowNotFound = false): Promise<T | null> {
    return this.requestJson(path, schema, signal, allowNotFound, JSON.stringify(body));
  }

  private async requestJson<T>(
    pathOrLink: string,
    schema: z.ZodType<T>,
    signal: AbortSignal,
    allowNotFound: boolean,
    body: string | undefined,
  ): Promise<T | null> {
    const url = this.resolve(pathOrLink);
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetchOnce(url, signal, body);
      if (response.ok) {
        const body: unknown = await response.json().catch((error: unknown) => {
          if (isAbortError(error)) throw error;
          throw new SourceError('SOURCE_ERROR', 'Confluence returned a body that is not JSON', { cause: error });
        });
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          this.options.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unexpected Confluence response shape');
          throw new SourceError('SOURCE_ERROR', 'Confluence returned an unexpected response');
        }
        return parsed.data;
      }
      if (response.status === 404 && allowNotFound) {
        await response.body?.cancel();
        return null;
      }
      if ((response.status === 429 || response.status === 503) && attempt < this.options.maxRetries) {
        const wait = parseRetryAfter(response.headers.get('retry-after')) ?? 250 * 2 ** attempt;
        await response.body?.cancel();
        if (wait > this.options.maxRetryWaitMs) {
          throw new SourceError('SOURCE_UNAVAILABLE', `Confluence is rate limiting (retry after ${Math.ceil(wait / 1000)} s)`);
        }
        this.options.logger.debug({ status: response.status, waitMs: wait }, 'Confluence asked to retry later');
        await sleep(wait, signal);
        continue;
      }
      throw await this.toError(response);
    }
  }

  private async fetchOnce(url: string, signal: AbortSignal, body?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent };
    const authorization = authorizationHeader(this.options.auth);
    if (authorization !== null) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body, signal, redirect: 'manual' });
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      throw new SourceError('SOURCE_UNAVAILABLE', 'Confluence is unreachable', { cause: error });
    }
  }

  private async toError(response: Response): Promise<SourceError> {
    const text = await response.text().catch(() => '');
    let message: string | undefined;
    try {
      message = errorBodySchema.parse(JSON.parse(text)).message;
    } catch {
      message = undefined;
    }
    this.options.logger.warn({ status: response.status, message: message?.slice(0, 300) }, 'Confluence request failed');
    const status = response.status;
    if (status === 401 || status === 403) return new SourceError('SOURCE_ERROR', `Confluence refused the credentials (HTTP ${status})`);
    if (status === 400) return new SourceError('SOURCE_ERROR', 'Confluence rejected the search (HTTP 400)');
    if (status === 429) return new SourceError('SOURCE_UNAVAILABLE', 'Confluence is rate limiting (HTTP 429)');
    if (status >= 300 && status < 400) return new SourceError('SOURCE_ERROR', `Confluence redirected (HTTP ${status}); check the configured url`);
    if (status >= 500) return new SourceError('SOURCE_UNAVAILABLE', `Confluence failed (HTTP ${status})`);
    return new SourceError('SOURCE_ERROR', `Confluence answered HTTP ${status}`);
  }
}
