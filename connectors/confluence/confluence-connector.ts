// The Confluence (Cloud and Data Center) source: CQL search through the v1 REST API with
// Confluence's own highlights, page bodies converted to markdown, scoped to configured spaces.
import type { Connector, ConnectorContext, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../contract/types.js';
import { isAbortError, KnowledgeError } from '../contract/errors.js';
import { convertHighlightMarkers, decodeHtmlEntities } from '../contract/text/highlight-markers.js';
import { buildScopeCql, buildSearchCql, type ConfluenceContentType } from './cql.js';
import { ConfluenceHttpClient, type ConfluenceAuth } from './http-client.js';
import { contentSchema, searchResponseSchema, type ConfluenceContent, type SearchResponse, type SearchResult } from './responses.js';
import { storageToMarkdown, viewToMarkdown } from './storage-to-markdown.js';
import { ConfluenceUserPermissions } from './user-permissions.js';

export interface ConfluenceConnectorOptions {
  name: string;
  description: string;
  /** Base URL with context path, no trailing slash: `https://acme.atlassian.net/wiki`. */
  baseUrl: string;
  auth: ConfluenceAuth;
  spaces: readonly string[];
  types: readonly ConfluenceContentType[];
  searchField: 'siteSearch' | 'text';
  bodyFormat: 'storage' | 'view';
  pageSize: number;
  maxPages: number;
  maxRetryWaitMs: number;
  maxRetries: number;
  /** Trim results for callers with principals to what their Atlassian account may read. */
  userPermissions: boolean;
  logger: ConnectorContext['logger'];
}

const HIGHLIGHT = { open: '@@@hl@@@', close: '@@@endhl@@@' };
// CQL compares dates in the API user's time zone; asking from 14 h earlier covers every zone,
// and the exact cut is made here on the returned ISO timestamps.
const TIME_ZONE_SLACK_MS = 14 * 3600 * 1000;
const CONTENT_ID = /^\d{1,24}$/;

function toIso(value: string | undefined | null): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function plainTitle(title: string): string {
  return decodeHtmlEntities(title.split(HIGHLIGHT.open).join('').split(HIGHLIGHT.close).join('')).trim();
}

export class ConfluenceConnector implements Connector {
  readonly kind = 'confluence';
  readonly name: string;
  readonly description: string;

  private readonly options: ConfluenceConnectorOptions;
  private readonly http: ConfluenceHttpClient;
  private readonly base: URL;
  private readonly permissions: ConfluenceUserPermissions | null;

  constructor(options: ConfluenceConnectorOptions) {
    this.options = options;
    this.name = options.name;
    this.description = options.description;
    this.base = new URL(`${options.baseUrl}/`);
    this.http = new ConfluenceHttpClient({
      baseUrl: options.baseUrl,
      auth: options.auth,
      maxRetryWaitMs: options.maxRetryWaitMs,
      maxRetries: options.maxRetries,
      logger: options.logger,
      userAgent: 'knowledge-mcp (confluence connector)',
    });
    this.permissions = options.userPermissions ? new ConfluenceUserPermissions(this.http) : null;
  }

  /** The account to check reads for; undefined = no check (service caller or permissions off). */
  private async readerFor(principals: readonly string[] | null | undefined, signal: AbortSignal): Promise<string | null | undefined> {
    if (this.permissions === null || principals === null || principals === undefined) return undefined;
    return this.permissions.accountFor(principals, signal);
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    request.signal.throwIfAborted();
    const cutoff = request.updatedAfter?.getTime() ?? null;
    const cql = buildSearchCql(request.query, {
      field: this.options.searchField,
      spaces: this.options.spaces,
      types: this.options.types,
      modifiedSince: cutoff === null ? null : new Date(cutoff - TIME_ZONE_SLACK_MS),
    });
    if (cql === null) return [];
    const reader = await this.readerFor(request.principals, request.signal);
    if (reader === null) return []; // a caller with no Confluence account reads nothing here
    const params = new URLSearchParams({
      cql,
      limit: String(Math.min(this.options.pageSize, request.limit)),
      excerpt: 'highlight',
      expand: 'content.space,content.version',
    });
    let link: string | undefined = `/rest/api/search?${params.toString()}`;
    const hits: SourceHit[] = [];
    const seen = new Set<string>();
    for (let page = 0; link !== undefined && page < this.options.maxPages && hits.length < request.limit; page++) {
      const response: SearchResponse | null = await this.http.getJson(link, searchResponseSchema, request.signal);
      if (response === null || response.results.length === 0) break;
      // Confluence's own read check for the caller's account, before the page is cut at `limit`.
      const permissions = this.permissions;
      const readable =
        reader === undefined || permissions === null
          ? null
          : new Set(
              (
                await Promise.all(
                  response.results.map(async (r) =>
                    r.content !== undefined && (await permissions.mayRead(reader, r.content.id, request.signal)) ? r.content.id : null,
                  ),
                )
              ).filter((id): id is string => id !== null),
            );
      for (const result of response.results) {
        if (readable !== null && !readable.has(result.content?.id ?? '')) continue;
        const hit = this.toHit(result);
        if (hit === null || seen.has(hit.nativeId)) continue;
        if (cutoff !== null && hit.updatedAt !== null && Date.parse(hit.updatedAt) < cutoff) continue;
        seen.add(hit.nativeId);
        hits.push(hit);
        if (hits.length >= request.limit) break;
      }
      link = response._links?.next;
    }
    // Confluence's own score is often absent or 0 (Cloud); its order is the ranking.
    return hits.map((hit, rank) => ({ ...hit, score: 1 / (rank + 1) }));
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    signal.throwIfAborted();
    if (!CONTENT_ID.test(nativeId)) return null;
    const reader = await this.readerFor(principals, signal);
    if (reader === null) return null;
    // Checked before the body is fetched: a forbidden page answers exactly like a missing one.
    if (reader !== undefined && this.permissions !== null && !(await this.permissions.mayRead(reader, nativeId, signal))) return null;
    const body = this.options.bodyFormat === 'view' ? 'body.view' : 'body.storage';
    const params = new URLSearchParams({ expand: `${body},version,space,history.lastUpdated` });
    const content = await this.http.getJson(`/rest/api/content/${nativeId}?${params.toString()}`, contentSchema, signal, true);
    if (content === null) return null;
    // Configured spaces are a boundary: a page outside them is not this source's to serve.
    if (this.options.spaces.length > 0 && !this.options.spaces.includes(content.space?.key ?? '')) return null;
    return {
      nativeId: content.id,
      title: content.title,
      url: this.pageUrl(content._links?.webui),
      updatedAt: toIso(content.version?.when ?? content.history?.lastUpdated?.when),
      content: this.bodyToMarkdown(content),
      metadata: {
        type: content.type ?? null,
        space: content.space?.key ?? null,
        space_name: content.space?.name ?? null,
        version: content.version?.number ?? null,
      },
    };
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    const params = new URLSearchParams({ cql: buildScopeCql(this.options), limit: '1', excerpt: 'none' });
    try {
      const response = await this.http.getJson(`/rest/api/search?${params.toString()}`, searchResponseSchema, signal);
      return { ok: true, documentCount: response?.totalSize ?? null };
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      // Only messages written for callers (no hosts, no bodies); anything else stays in the log.
      const exposed = error instanceof KnowledgeError && error.expose;
      if (!exposed) this.options.logger.warn({ err: error }, 'Confluence health check failed unexpectedly');
      return { ok: false, documentCount: null, detail: exposed ? error.message : 'Confluence unreachable' };
    }
  }

  recognizeUrl(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.origin !== this.base.origin || !parsed.pathname.startsWith(this.base.pathname)) return null;
    const rest = parsed.pathname.slice(this.base.pathname.length - 1);
    const cloud = /^\/spaces\/[^/]+\/(?:pages|blog\/\d{4}\/\d{2}\/\d{2})\/(\d{1,24})(?:\/|$)/.exec(rest);
    if (cloud?.[1]) return cloud[1];
    if (/^\/pages\/viewpage\.action$/.test(rest)) {
      const id = parsed.searchParams.get('pageId');
      return id !== null && CONTENT_ID.test(id) ? id : null;
    }
    return null;
  }

  async close(): Promise<void> {
    // Nothing pooled: global fetch keeps its own agent.
  }

  private toHit(result: SearchResult): SourceHit | null {
    const content = result.content;
    if (content === undefined) return null; // spaces, users: not documents
    return {
      nativeId: content.id,
      title: content.title ? content.title.trim() : plainTitle(result.title ?? ''),
      snippet: convertHighlightMarkers(decodeHtmlEntities(result.excerpt ?? ''), HIGHLIGHT),
      url: this.pageUrl(result.url ?? content._links?.webui),
      score: 0,
      updatedAt: toIso(result.lastModified ?? content.version?.when ?? content.history?.lastUpdated?.when),
    };
  }

  private pageUrl(webui: string | undefined): string | null {
    if (!webui) return null;
    try {
      const relative = webui.startsWith('/') ? webui.slice(1) : webui;
      const url = new URL(relative, this.base);
      return url.origin === this.base.origin ? url.toString() : null;
    } catch {
      return null;
    }
  }

  private bodyToMarkdown(content: ConfluenceContent): string {
    const baseUrl = this.base.toString();
    if (this.options.bodyFormat === 'view') return viewToMarkdown(content.body?.view?.value ?? content.body?.export_view?.value ?? '', baseUrl);
    return storageToMarkdown(content.body?.storage?.value ?? '', baseUrl);
  }
}
