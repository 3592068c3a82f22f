// The markdown-folder source: an in-process BM25+ index (MiniSearch) over a folder of pages,
// refreshed from file versions before it answers, with IDs that are relative paths.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import MiniSearch from 'minisearch';
import type {
  CollectionStatistics,
  Connector,
  ConnectorContext,
  GlobalStatistics,
  SearchRequest,
  SourceDocument,
  SourceHealth,
  SourceHit,
  StatisticsRequest,
} from '../contract/types.js';
import { globalTermWeights } from '../contract/text/bm25.js';
import { raceWithSignal } from '../contract/abort.js';
import { SourceError } from '../contract/errors.js';
import { mayRead } from '../contract/acl.js';
import { analyzeQuery, analyzeTerm, tokenizeText } from '../contract/text/text-analysis.js';
import { buildTermSnippet } from '../contract/text/snippet.js';
import { hashContent } from '../contract/text/content-hash.js';
import { isInside, scanFolder, type ScannedFile } from './folder-scan.js';
import { parseMarkdownPage, type ParsedPage } from './parse-page.js';
import { TermIndex } from './term-index.js';

export interface MarkdownConnectorOptions {
  name: string;
  description: string;
  /** The folder, absolute or relative to the working directory. */
  dir: string;
  extensions: readonly string[];
  /** How stale the index may be: files are re-checked at most this often (0 = every call). */
  refreshIntervalMs: number;
  maxFileBytes: number;
  maxFiles: number;
  stemming: boolean;
  /** Field boosts for BM25+; the title matters more than the body. */
  boost: { title: number; headings: number; text: number };
  /** Builds a URL for pages without a front-matter `url` (e.g. a Git web view). */
  urlPrefix: string | null;
  logger: ConnectorContext['logger'];
  now?: () => number;
}

interface IndexedPage {
  file: ScannedFile;
  page: ParsedPage;
  url: string | null;
  contentHash: string;
  /** Front matter `acl:` (DESIGN §7), kept for the permission filter; undefined = everyone. */
  acl: readonly string[] | undefined;
}

interface IndexFields {
  id: string;
  title: string;
  headings: string;
  text: string;
}

const READ_CONCURRENCY = 16;

/** Rejects IDs that could name anything but a plain relative path inside the folder. */
export function isSafeRelativeId(id: string): boolean {
  if (id.length === 0 || id.length > 1024 || id.includes('\0') || id.includes('\\')) return false;
  if (id.startsWith('/') || /^[a-zA-Z]:/.test(id)) return false;
  return id.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function normalizeUrl(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    parsed.hash = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export class MarkdownConnector implements Connector {
  readonly kind = 'markdown';
  /** With `SearchRequest.statistics` it ranks by the shared BM25 over its own postings (term-index.ts). */
  readonly usesGlobalStatistics = true;
  readonly name: string;
  readonly description: string;

  private readonly options: MarkdownConnectorOptions;
  private readonly root: string;
  private readonly analyze: (word: string) => string | null;
  private readonly index: MiniSearch<IndexFields>;
  private readonly terms: TermIndex;
  private readonly pages = new Map<string, IndexedPage>();
  private readonly urls = new Map<string, string>();
  private realRoot: string | null = null;
  private lastScanAt = Number.NEGATIVE_INFINITY;
  private scanning: Promise<void> | null = null;
  private closed = false;
  /** Set while the folder is missing, so its path is logged once per outage, not per search. */
  private folderMissing = false;

  constructor(options: MarkdownConnectorOptions) {
    this.options = options;
    this.name = options.name;
    this.description = options.description;
    this.root = path.resolve(options.dir);
    const analyzeOptions = { stem: options.stemming };
    this.analyze = (word) => analyzeTerm(word, analyzeOptions);
    this.terms = new TermIndex(options.stemming);
    this.index = new MiniSearch<IndexFields>({
      fields: ['title', 'headings', 'text'],
      tokenize: (text) => tokenizeText(text),
      processTerm: (term) => this.analyze(term) ?? null,
      searchOptions: { boost: { ...options.boost }, combineWith: 'OR', prefix: false, fuzzy: false },
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.refresh(signal, true);
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    request.signal.throwIfAborted();
    await this.refresh(request.signal, false);
    const terms = new Set(analyzeQuery(request.query, { stem: this.options.stemming }));
    if (terms.size === 0) return [];
    const cutoff = request.updatedAfter?.getTime() ?? null;
    const principals = request.principals ?? null;
    const recent = (id: string): boolean => {
      if (cutoff === null) return true;
      const updated = this.pages.get(id)?.page.updatedAt;
      return updated !== null && updated !== undefined && Date.parse(updated) >= cutoff;
    };
    const results =
      request.statistics === undefined
        ? this.index.search([...terms].join(' '), {
            processTerm: (term) => term,
            filter: cutoff === null ? undefined : (result) => recent(String(result.id)),
          })
        : this.searchWithStatistics(request.query, request.statistics, recent);
    // Permissions are applied to the ranked list before the page is cut at `limit`, so a page is
    // never short because of pages the caller may not read, and BM25 statistics stay global. Walking
    // from the best result checks only as many pages as it takes to fill the page, instead of
    // every match (a filter inside the index's search would check all of them).
    const hits: SourceHit[] = [];
    for (const result of results) {
      if (hits.length >= request.limit) break;
      const indexed = this.pages.get(String(result.id));
      if (indexed === undefined || !mayRead(indexed.acl, principals)) continue;
      hits.push({
        nativeId: indexed.file.id,
        title: indexed.page.title,
        snippet: buildTermSnippet(indexed.page.plainText, terms, { analyze: this.analyze }),
        url: indexed.url,
        score: result.score,
        updatedAt: indexed.page.updatedAt,
        contentHash: indexed.contentHash,
      });
    }
    return hits;
  }

  /** BM25 over the own postings with the federation's N, average length and per-word df. */
  private searchWithStatistics(query: string, statistics: GlobalStatistics, accept: (id: string) => boolean): Array<{ id: string; score: number }> {
    const words = analyzeQuery(query, { stem: false });
    const weights = globalTermWeights(words, this.analyze, statistics, {
      documentCount: this.terms.documentCount,
      documentFrequency: (term) => this.terms.documentFrequency(term),
    });
    return this.terms.search(weights, statistics.averageLength ?? this.terms.averageLength, accept);
  }

  async collectionStatistics(request: StatisticsRequest): Promise<CollectionStatistics> {
    request.signal.throwIfAborted();
    await this.refresh(request.signal, false);
    const documentFrequencies: Record<string, number> = {};
    for (const word of request.words) {
      const term = this.analyze(word);
      if (term !== null) documentFrequencies[word] = this.terms.documentFrequency(term);
    }
    return {
      documentCount: this.terms.documentCount,
      averageLength: this.terms.averageLength,
      lengthUnit: this.options.stemming ? 'text-analysis' : 'text-analysis:unstemmed',
      documentFrequencies,
    };
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    signal.throwIfAborted();
    if (!isSafeRelativeId(nativeId)) return null;
    await this.refresh(signal, false);
    const indexed = this.pages.get(nativeId);
    if (indexed === undefined || this.realRoot === null || !mayRead(indexed.acl, principals)) return null;
    // Re-check at read time: the file may have been swapped for a link since the last scan.
    let real: string;
    try {
      real = await realpath(path.join(this.realRoot, ...nativeId.split('/')));
    } catch {
      return null;
    }
    if (!isInside(this.realRoot, real)) return null;
    const info = await stat(real).catch(() => null);
    if (info === null || !info.isFile() || info.size > this.options.maxFileBytes) return null;
    const source = await readFile(real, { encoding: 'utf8', signal });
    const page = parseMarkdownPage(nativeId, source, info.mtime);
    // The file may have changed since the scan: the ACL it carries now is the one that counts.
    if (!mayRead(page.acl, principals)) return null;
    return {
      nativeId,
      title: page.title,
      url: page.url ?? this.prefixedUrl(nativeId),
      updatedAt: page.updatedAt,
      content: page.body.trim(),
      metadata: { path: nativeId, ...page.extra },
    };
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    try {
      await this.refresh(signal, false);
      return { ok: true, documentCount: this.pages.size };
    } catch (error) {
      if (signal.aborted) throw error;
      return { ok: false, documentCount: null, detail: error instanceof SourceError ? error.message : `source "${this.name}": markdown folder unreadable` };
    }
  }

  recognizeUrl(url: string): string | null {
    const key = normalizeUrl(url);
    return key === null ? null : (this.urls.get(key) ?? null);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.scanning?.catch(() => undefined);
  }

  private prefixedUrl(id: string): string | null {
    if (this.options.urlPrefix === null) return null;
    return this.options.urlPrefix + id.split('/').map(encodeURIComponent).join('/');
  }

  /** Brings the index up to date unless it was checked less than `refreshIntervalMs` ago. */
  private async refresh(signal: AbortSignal, force: boolean): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    if (!force && this.scanning === null && now - this.lastScanAt < this.options.refreshIntervalMs) return;
    // One scan at a time, shared by every caller; a caller that gives up stops waiting for it,
    // while the scan (local, bounded) still completes for the others.
    this.scanning ??= this.rescan().finally(() => {
      this.scanning = null;
    });
    await raceWithSignal(this.scanning, signal);
  }

  private async rescan(): Promise<void> {
    if (this.closed) return;
    const startedAt = this.options.now?.() ?? Date.now();
    let realRoot: string;
    try {
      realRoot = await realpath(this.root);
      if (!(await stat(realRoot)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      // The path is for the operator's log (once per outage); agents and /readyz learn only the
      // source's name, never where it lives on this machine.
      if (!this.folderMissing) {
        this.options.logger.warn({ dir: this.root, code: (error as NodeJS.ErrnoException).code ?? null }, 'markdown folder is not a readable directory');
      }
      this.folderMissing = true;
      throw new SourceError('SOURCE_UNAVAILABLE', `the markdown folder of source "${this.name}" is not a readable directory`, { cause: error });
    }
    this.folderMissing = false;
    this.realRoot = realRoot;
    const files = await scanFolder(realRoot, {
      extensions: this.options.extensions,
      maxFileBytes: this.options.maxFileBytes,
      maxFiles: this.options.maxFiles,
    });
    const seen = new Set(files.map((f) => f.id));
    for (const id of [...this.pages.keys()]) {
      if (!seen.has(id)) this.removePage(id);
    }
    const changed = files.filter((f) => this.pages.get(f.id)?.file.version !== f.version);
    for (let i = 0; i < changed.length; i += READ_CONCURRENCY) {
      await Promise.all(changed.slice(i, i + READ_CONCURRENCY).map((file) => this.loadPage(file)));
    }
    if (changed.length > 0 || seen.size !== files.length) {
      this.options.logger.debug({ documents: this.pages.size, changed: changed.length }, 'markdown index refreshed');
    }
    this.lastScanAt = startedAt;
  }

  private async loadPage(file: ScannedFile): Promise<void> {
    let source: string;
    let mtime: Date;
    try {
      [source, mtime] = await Promise.all([readFile(file.absolutePath, 'utf8'), stat(file.absolutePath).then((s) => s.mtime)]);
    } catch {
      this.removePage(file.id); // vanished between the walk and the read
      return;
    }
    const page = parseMarkdownPage(file.id, source, mtime);
    if (page.problems.length > 0) this.options.logger.warn({ page: file.id, problems: page.problems }, 'markdown front matter not fully read');
    const url = page.url ?? this.prefixedUrl(file.id);
    this.removePage(file.id);
    this.pages.set(file.id, { file, page, url, contentHash: hashContent(page.plainText), acl: page.acl });
    this.index.add({ id: file.id, title: page.title, headings: page.headings, text: page.plainText });
    this.terms.add(file.id, page.title, page.plainText);
    const key = url === null ? null : normalizeUrl(url);
    if (key !== null) this.urls.set(key, file.id);
  }

  private removePage(id: string): void {
    const existing = this.pages.get(id);
    if (existing === undefined) return;
    this.pages.delete(id);
    this.index.discard(id);
    this.terms.remove(id);
    const key = existing.url === null ? null : normalizeUrl(existing.url);
    if (key !== null && this.urls.get(key) === id) this.urls.delete(key);
  }
}
