// One search against a wiki at a bounded number of API calls: AND of all terms (plus titles), widened
// by one-term probes for the most informative words when the AND finds too little, then the best
// candidates' texts in one batched call, re-ranked locally with BM25.
import type { SearchRequest, SourceHit } from '../contract/types.js';
import { SourceError } from '../contract/errors.js';
import { hashContent } from '../contract/text/content-hash.js';
import { markdownToPlainText } from '../contract/text/markdown-text.js';
import { buildTermSnippet } from '../contract/text/snippet.js';
import type { ApiParams } from './api-client.js';
import { pagesAnswerSchema, searchAnswerSchema, type WikiPageRecord } from './api-schemas.js';
import { analyzeSearchQuery, joinSearchTexts, type QueryTerm } from './query-terms.js';
import { idf, rankByBm25, rankWithGlobalStatistics } from './rerank.js';
import { wikitextToMarkdown } from './wikitext.js';
import { categoryParams, pageCategories } from './page-categories.js';
import type { WikiAcl } from './acl.js';

export interface SiteFacts {
  pageCount: number;
  articleUrl: string | null;
  cirrus: boolean;
}

export interface SearchSettings {
  namespaces: readonly number[];
  maxSearchCalls: number;
  rerankCandidates: number;
}

/** Hit counts of one-word searches seen before (per wiki and namespaces), keyed by search text. */
export interface DfMemory {
  get(searchText: string): number | undefined;
  set(searchText: string, df: number): void;
}

export interface SearchDeps {
  call(params: ApiParams, signal: AbortSignal): Promise<Record<string, unknown>>;
  site: SiteFacts;
  /** `namespaces` are those the caller may read (namespace rules already applied). */
  settings: SearchSettings;
  dfMemory?: DfMemory;
  /** Category rules for a caller with principals: pages are checked before they are ranked. */
  permissions?: { acl: WikiAcl; principals: readonly string[] };
}

interface Candidate {
  pageid: number;
  title: string;
  timestamp: string | null;
  matched: Set<string>;
  inAnd: boolean;
  inTitle: boolean;
  order: number;
}

interface SearchCallResult {
  totalHits: number;
  highLimits: boolean;
  hits: Array<{ pageid: number; title: string; timestamp: string | null }>;
}

/** Candidates whose texts are fetched when the wiki allows only 50 titles a call. */
const LOW_LIMIT_BATCH = 50;
const HIGH_LIMIT_BATCH = 500;
/** Title AND searches only pay off for short queries; long ones never match a title whole. */
const MAX_TERMS_FOR_TITLE_SEARCH = 4;

async function searchOnce(deps: SearchDeps, text: string, what: 'text' | 'title', signal: AbortSignal): Promise<SearchCallResult> {
  const answer = searchAnswerSchema.safeParse(
    await deps.call(
      {
        action: 'query',
        list: 'search',
        srsearch: text,
        srwhat: what,
        srnamespace: deps.settings.namespaces.join('|'),
        srlimit: 'max',
        srinfo: 'totalhits',
        srprop: 'timestamp',
      },
      signal,
    ),
  );
  if (!answer.success) throw new SourceError('SOURCE_ERROR', 'wiki search answered an unexpected shape');
  const hits = (answer.data.query?.search ?? []).map((hit) => ({ pageid: hit.pageid, title: hit.title, timestamp: hit.timestamp ?? null }));
  return {
    hits,
    totalHits: answer.data.query?.searchinfo?.totalhits ?? hits.length,
    highLimits: (answer.data.limits?.search ?? 0) >= HIGH_LIMIT_BATCH,
  };
}

/** Title search is refused by CirrusSearch (and some configurations); it is only a bonus. */
async function searchTitlesQuietly(deps: SearchDeps, text: string, signal: AbortSignal): Promise<SearchCallResult | null> {
  try {
    return await searchOnce(deps, text, 'title', signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return null;
  }
}

async function fetchTexts(deps: SearchDeps, pageids: number[], signal: AbortSignal): Promise<WikiPageRecord[]> {
  const permissions = deps.permissions;
  const answer = pagesAnswerSchema.safeParse(
    await deps.call(
      {
        action: 'query',
        prop: 'revisions|info',
        pageids: pageids.join('|'),
        rvprop: 'content|timestamp|ids',
        rvslots: 'main',
        inprop: 'url',
        ...(permissions === undefined ? {} : categoryParams(permissions.acl)),
      },
      signal,
    ),
  );
  if (!answer.success) throw new SourceError('SOURCE_ERROR', 'wiki pages answered an unexpected shape');
  const pages = answer.data.query?.pages ?? [];
  if (permissions === undefined) return pages;
  const { acl, principals } = permissions;
  return pages.filter((page) => acl.mayRead(page.ns, pageCategories(page, answer.data.continue?.clcontinue), principals));
}

function addHits(candidates: Map<number, Candidate>, result: SearchCallResult, mark: (candidate: Candidate) => void): void {
  for (const hit of result.hits) {
    let candidate = candidates.get(hit.pageid);
    if (candidate === undefined) {
      candidate = { ...hit, matched: new Set(), inAnd: false, inTitle: false, order: candidates.size };
      candidates.set(hit.pageid, candidate);
    }
    mark(candidate);
  }
}

/**
 * Which words to search one by one: words the wiki has shown to be rare first (rarest first),
 * then words never seen (by how rare they look), then words known to be common. Words the wiki
 * has shown to be absent are skipped: a probe for them would find nothing.
 */
export function chooseProbes(terms: readonly QueryTerm[], count: number, knownDf: (term: QueryTerm) => number | undefined, pageCount: number): QueryTerm[] {
  const commonAbove = Math.max(50, pageCount * 0.05);
  const rank = (term: QueryTerm): [number, number] => {
    const df = knownDf(term);
    if (df === undefined) return [1, -term.informativeness];
    return df <= commonAbove ? [0, df] : [2, df];
  };
  return terms
    .filter((term) => knownDf(term) !== 0)
    .map((term) => ({ term, key: rank(term) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
    .slice(0, count)
    .map(({ term }) => term);
}

/** What the search rounds found: candidate pages, the document frequencies learnt, the calls made. */
interface Gathered {
  candidates: Map<number, Candidate>;
  knownDf: Map<string, number>;
  calls: number;
  highLimits: boolean;
}

/** A candidate's text, ready to rank. */
interface CandidateText {
  key: string;
  title: string;
  text: string;
  page: WikiPageRecord;
  timestamp: string | null;
}

/** Runs one search; `calls` reports how many API calls it made (for benchmarks and logs). */
export async function searchWiki(deps: SearchDeps, request: SearchRequest): Promise<{ hits: SourceHit[]; calls: number }> {
  const terms = analyzeSearchQuery(request.query, { prefixes: !deps.site.cirrus });
  if (terms.length === 0) return { hits: [], calls: 0 };
  const gathered = await gatherCandidates(deps, request, terms);
  const total = Math.max(deps.site.pageCount, gathered.candidates.size);
  const preRanked = preRankCandidates(deps, request, gathered, total);
  if (preRanked.length === 0) return { hits: [], calls: gathered.calls };
  const fetched = await fetchCandidateTexts(deps, request, preRanked, gathered);
  return { hits: rankTexts(request, terms, fetched.documents, gathered.knownDf, total), calls: fetched.calls };
}

/**
 * Round 1: everything at once, as the wiki's own search understands the query (plus titles).
 * Round 2: when that finds too little, one-term probes for the most informative words, keeping
 * one call for the texts.
 */
async function gatherCandidates(deps: SearchDeps, request: SearchRequest, terms: QueryTerm[]): Promise<Gathered> {
  const { signal } = request;
  const stems = terms.map((term) => term.stem);
  const candidates = new Map<number, Candidate>();
  const knownDf = new Map<string, number>();
  for (const term of terms) {
    const remembered = deps.dfMemory?.get(term.searchText);
    if (remembered !== undefined) knownDf.set(term.stem, remembered);
  }
  const learn = (term: QueryTerm, df: number): void => {
    knownDf.set(term.stem, df);
    deps.dfMemory?.set(term.searchText, df);
  };

  const allTerms = joinSearchTexts(terms);
  const useTitles = !deps.site.cirrus && terms.length <= MAX_TERMS_FOR_TITLE_SEARCH && deps.settings.maxSearchCalls >= 3;
  const [andResult, titleResult] = await Promise.all([
    searchOnce(deps, allTerms, 'text', signal),
    useTitles ? searchTitlesQuietly(deps, allTerms, signal) : Promise.resolve(null),
  ]);
  let calls = useTitles ? 2 : 1;
  let highLimits = andResult.highLimits;
  addHits(candidates, andResult, (c) => {
    c.inAnd = true;
    for (const stem of stems) c.matched.add(stem);
  });
  if (titleResult !== null) {
    addHits(candidates, titleResult, (c) => {
      c.inTitle = true;
    });
  }
  if (terms.length === 1 && terms[0] !== undefined) learn(terms[0], andResult.totalHits);

  const probeBudget = deps.settings.maxSearchCalls - calls - 1;
  if (terms.length > 1 && andResult.hits.length < request.limit && probeBudget > 0) {
    const probes = chooseProbes(terms, probeBudget, (term) => knownDf.get(term.stem), deps.site.pageCount);
    const results = await Promise.all(probes.map((term) => searchOnce(deps, term.searchText, 'text', signal)));
    calls += probes.length;
    results.forEach((result, index) => {
      const term = probes[index];
      if (term === undefined) return;
      learn(term, result.totalHits);
      highLimits ||= result.highLimits;
      addHits(candidates, result, (c) => c.matched.add(term.stem));
    });
  }
  return { candidates, knownDf, calls, highLimits };
}

/**
 * Orders candidates by the IDF of the terms each is known to contain; keeps the best
 * `rerankCandidates`, or twice the hits asked for when that is more: a deeper page (a federation
 * reading 100 hits) would otherwise be cut at `rerankCandidates`, and this rough order alone would
 * decide which pages make it when the re-ranking has no pages to spare.
 */
function preRankCandidates(deps: SearchDeps, request: SearchRequest, gathered: Gathered, total: number): Candidate[] {
  const { knownDf } = gathered;
  const defaultDf = Math.max(1, ...knownDf.values());
  const termWeight = (stem: string): number => idf(total, knownDf.get(stem) ?? defaultDf);
  const after = request.updatedAfter?.getTime() ?? null;
  return [...gathered.candidates.values()]
    .filter((c) => after === null || c.timestamp === null || Date.parse(c.timestamp) >= after)
    .map((c) => ({ c, score: [...c.matched].reduce((sum, stem) => sum + termWeight(stem), 0) + (c.inTitle ? 1 : 0) }))
    .sort((x, y) => y.score - x.score || x.c.order - y.c.order)
    .slice(0, Math.max(deps.settings.rerankCandidates, 2 * request.limit))
    .map(({ c }) => c);
}

/** The candidates' texts, in as many batched calls as the budget leaves, as plain text. */
async function fetchCandidateTexts(
  deps: SearchDeps,
  request: SearchRequest,
  preRanked: Candidate[],
  gathered: Gathered,
): Promise<{ documents: CandidateText[]; calls: number }> {
  const batch = gathered.highLimits ? HIGH_LIMIT_BATCH : LOW_LIMIT_BATCH;
  const batches: number[][] = [];
  for (let i = 0; i < preRanked.length && batches.length < Math.max(1, deps.settings.maxSearchCalls - gathered.calls); i += batch) {
    batches.push(preRanked.slice(i, i + batch).map((c) => c.pageid));
  }
  const pages = (await Promise.all(batches.map((ids) => fetchTexts(deps, ids, request.signal)))).flat();
  const after = request.updatedAfter?.getTime() ?? null;
  const documents = pages
    .filter((page) => page.pageid !== undefined && !page.missing && page.revisions?.[0] !== undefined)
    .map((page) => {
      const revision = page.revisions?.[0];
      const wikitext = revision?.slots?.main.content ?? '';
      const plain = markdownToPlainText(wikitextToMarkdown(wikitext, { articleUrl: deps.site.articleUrl }));
      return { key: String(page.pageid), title: page.title, text: plain, page, timestamp: revision?.timestamp ?? null };
    })
    .filter((doc) => after === null || doc.timestamp === null || Date.parse(doc.timestamp) >= after);
  return { documents, calls: gathered.calls + batches.length };
}

/** Ranks the texts locally (BM25, with the federation's statistics when given) into hits. */
function rankTexts(request: SearchRequest, terms: QueryTerm[], documents: CandidateText[], knownDf: Map<string, number>, total: number): SourceHit[] {
  const stems = terms.map((term) => term.stem);
  const byKey = new Map(documents.map((doc) => [doc.key, doc]));
  const stemSet = new Set(stems);
  const ranked =
    request.statistics === undefined
      ? rankByBm25(documents, stems, { totalDocuments: total, knownDf })
      : rankWithGlobalStatistics(documents, request.query, request.statistics);
  return ranked
    .filter((entry) => entry.score > 0)
    .slice(0, request.limit)
    .flatMap(({ key, score }) => {
      const doc = byKey.get(key);
      if (doc === undefined) return [];
      const hit: SourceHit = {
        nativeId: doc.title,
        title: doc.title,
        snippet: buildTermSnippet(doc.text, stemSet),
        url: doc.page.fullurl ?? null,
        score,
        updatedAt: doc.timestamp,
        contentHash: hashContent(doc.text),
      };
      return [hit];
    });
}
