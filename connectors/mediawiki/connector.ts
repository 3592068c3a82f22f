// The MediaWiki connector: search through list=search (see search.ts), pages through
// prop=revisions|info converted to markdown, health and site facts through meta=siteinfo.
import { LRUCache } from 'lru-cache';
import type { Connector, ConnectorContext, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../contract/types.js';
import { SourceError } from '../contract/errors.js';
import { MediaWikiApi, type FetchLike } from './api-client.js';
import { pagesAnswerSchema, siteInfoAnswerSchema } from './api-schemas.js';
import type { MediaWikiCredentials, MediaWikiSourceConfig } from './config.js';
import { searchWiki, type SiteFacts } from './search.js';
import { wikiUrlMatcher } from './urls.js';
import { wikitextToMarkdown } from './wikitext.js';
import { WikiAcl } from './acl.js';
import { categoryParams, pageCategories } from './page-categories.js';

/** Page counts and the article path change rarely; re-read them every few minutes. */
const SITE_FACTS_TTL_MS = 10 * 60_000;
/** MediaWiki titles are at most 255 bytes; anything longer cannot be a page. */
const MAX_TITLE_BYTES = 255;
/** How long a word's hit count in the wiki is trusted for choosing probes and weighting terms. */
const DF_MEMORY_TTL_MS = 60 * 60_000;

export interface MediaWikiConnectorOptions {
  credentials: MediaWikiCredentials | null;
  fetch?: FetchLike;
  now?: () => number;
  /** Keep word hit counts between searches (default true); false makes every search start cold. */
  rememberWordCounts?: boolean;
}

export class MediaWikiConnector implements Connector {
  readonly kind = 'mediawiki';
  /** Its local re-ranking of fetched page texts scores with `SearchRequest.statistics` when given. */
  readonly usesGlobalStatistics = true;
  readonly name: string;
  readonly description: string;
  private readonly api: MediaWikiApi;
  private readonly now: () => number;
  private site: { facts: SiteFacts; at: number } | null = null;
  private siteLoading: Promise<SiteFacts> | null = null;
  // Word → number of pages containing it, learnt from earlier one-word searches of this wiki.
  private readonly dfMemory: LRUCache<string, number> | null;
  private readonly acl: WikiAcl;

  constructor(
    private readonly config: MediaWikiSourceConfig,
    options: MediaWikiConnectorOptions,
    private readonly logger: ConnectorContext['logger'],
  ) {
    this.name = config.name;
    this.description = config.description ?? `MediaWiki pages at ${new URL(config.url).host}`;
    this.now = options.now ?? Date.now;
    this.acl = new WikiAcl(config.acl);
    this.dfMemory = options.rememberWordCounts === false ? null : new LRUCache({ max: 20_000, ttl: DF_MEMORY_TTL_MS });
    this.api = new MediaWikiApi({
      url: config.url,
      credentials: options.credentials,
      maxConcurrency: config.max_concurrency,
      maxlag: config.maxlag,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    // Best effort: an unreachable wiki at start-up is reported by health, not fatal.
    try {
      await this.siteFacts(signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.logger.warn({ err: error }, 'mediawiki not reachable at start');
    }
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    const site = await this.siteFacts(request.signal);
    const { principals } = request;
    const enforced = this.acl.enforcedFor(principals);
    // Namespace rules narrow what the wiki is asked to search; category rules drop pages before
    // the local BM25 ranking cuts the page.
    const namespaces = enforced ? this.acl.readableNamespaces(this.config.namespaces, principals) : this.config.namespaces;
    if (namespaces.length === 0) return [];
    const { hits, calls } = await searchWiki(
      {
        call: (params, signal) => this.api.call(params, signal),
        site,
        ...(this.dfMemory ? { dfMemory: this.dfMemory } : {}),
        ...(enforced ? { permissions: { acl: this.acl, principals } } : {}),
        settings: {
          namespaces,
          maxSearchCalls: this.config.max_search_calls,
          rerankCandidates: this.config.rerank_candidates,
        },
      },
      request,
    );
    this.logger.debug({ calls, hits: hits.length }, 'mediawiki search');
    return hits;
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    const enforced = this.acl.enforcedFor(principals);
    // A fragment names a section of the page; the characters below can never be in a title
    // (and `|` would make the API fetch several pages).
    const title = (nativeId.split('#', 1)[0] ?? '').trim();
    if (title === '' || Buffer.byteLength(title) > MAX_TITLE_BYTES || /[\p{Cc}<>[\]{}|]/u.test(title)) return null;
    const site = await this.siteFacts(signal);
    const answer = pagesAnswerSchema.safeParse(
      await this.api.call(
        {
          action: 'query',
          prop: 'revisions|info',
          titles: title,
          redirects: true,
          rvprop: 'content|timestamp|ids',
          rvslots: 'main',
          inprop: 'url',
          ...(enforced ? categoryParams(this.acl) : {}),
        },
        signal,
      ),
    );
    if (!answer.success) throw new SourceError('SOURCE_ERROR', 'wiki page answered an unexpected shape');
    const page = answer.data.query?.pages[0];
    const revision = page?.revisions?.[0];
    if (page === undefined || page.missing || page.invalid || revision === undefined) return null;
    if (page.ns !== undefined && !this.config.namespaces.includes(page.ns)) return null;
    // A page the rules close to the caller answers exactly like a missing one.
    if (enforced && !this.acl.mayRead(page.ns, pageCategories(page, answer.data.continue?.clcontinue), principals)) return null;
    const main = revision.slots?.main;
    const model = main?.contentmodel ?? 'wikitext';
    const raw = main?.content ?? '';
    const content = model === 'wikitext' ? wikitextToMarkdown(raw, { articleUrl: site.articleUrl }) : `\`\`\`${model}\n${raw}\n\`\`\``;
    const redirect = answer.data.query?.redirects?.[0];
    return {
      nativeId: page.title,
      title: page.title,
      url: page.fullurl ?? null,
      updatedAt: revision.timestamp ?? null,
      content,
      metadata: {
        pageid: page.pageid ?? null,
        revid: revision.revid ?? null,
        namespace: page.ns ?? null,
        contentmodel: model,
        ...(redirect ? { redirected_from: redirect.from } : {}),
      },
    };
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    try {
      const facts = await this.loadSiteFacts(signal);
      return { ok: true, documentCount: facts.pageCount };
    } catch (error) {
      if (signal.aborted) throw error;
      const detail = error instanceof SourceError ? error.message : 'wiki unreachable';
      return { ok: false, documentCount: null, detail };
    }
  }

  recognizeUrl(url: string): string | null {
    return this.matchUrl(url);
  }

  async close(): Promise<void> {
    // No pool or timer to release: fetch keeps no state of ours beyond cookies in memory.
  }

  private readonly matchUrl = (url: string): string | null => {
    const articleUrl = this.site?.facts.articleUrl ?? null;
    return wikiUrlMatcher(this.config.url, articleUrl)(url);
  };

  private async siteFacts(signal: AbortSignal): Promise<SiteFacts> {
    if (this.site !== null && this.now() - this.site.at < SITE_FACTS_TTL_MS) return this.site.facts;
    // Single-flight so that a burst of first searches asks for site facts once.
    this.siteLoading ??= this.loadSiteFacts(signal).finally(() => (this.siteLoading = null));
    return this.siteLoading;
  }

  private async loadSiteFacts(signal: AbortSignal): Promise<SiteFacts> {
    const answer = siteInfoAnswerSchema.safeParse(await this.api.call({ action: 'query', meta: 'siteinfo', siprop: 'general|statistics|extensions' }, signal));
    if (!answer.success) throw new SourceError('SOURCE_ERROR', 'wiki siteinfo answered an unexpected shape');
    const { general, statistics, extensions } = answer.data.query;
    const cirrusInstalled = (extensions ?? []).some((extension) => extension.name === 'CirrusSearch');
    const backend = this.config.search_backend;
    const facts: SiteFacts = {
      pageCount: statistics?.pages ?? 0,
      articleUrl: general.articlepath.includes('$1') ? `${toAbsolute(general.server)}${general.articlepath}` : null,
      cirrus: backend === 'auto' ? cirrusInstalled : backend === 'cirrus',
    };
    this.site = { facts, at: this.now() };
    return facts;
  }
}

/** `$wgServer` may be protocol-relative (`//wiki.example.com`). */
function toAbsolute(server: string): string {
  return server.startsWith('//') ? `https:${server}` : server;
}
