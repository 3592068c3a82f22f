// The search pipeline: repeat? → plan → cache key → statistics → fan out → qualify → fuse → de-duplicate →
// page → report.
// Each step is its own module; this file only strings them together and logs the outcome.
import { KnowledgeError } from '../../connectors/contract/errors.js';
import type { GlobalStatistics } from '../../connectors/contract/types.js';
import { AbortScope } from './abort-scope.js';
import { type CacheLookup, noCache, type SearchCache } from './cache-port.js';
import { searchCacheKey } from './cache-key.js';
import { createCursorEncoder, decodeCursor, searchFingerprint } from './cursor.js';
import { dedupeHits, type UniqueHit } from './dedupe.js';
import { fanOut, type FanOutTarget } from './fan-out.js';
import { type FusionSettings, fuseRankings, fusionFetchLimit } from './fuse.js';
import { type PageSummary, RepeatedSearches, type RepeatedSearch } from './repeated-searches.js';
import { rescoreFromText } from './rescore.js';
import { logSearch, replayLogger, searchEventFields } from './search-log.js';
import { combineStatistics, gatherStatistics, queryWords, type StatisticsContext } from './statistics.js';
import { StatisticsMemo } from './statistics-memo.js';
import { slicePage, sourceFetchLimit } from './page.js';
import { planSearch, type SearchPlan } from './plan.js';
import { qualifyHits, type RankedHit } from './qualify.js';
import { buildSourceReports, isPartial, type SourceCallResult } from './report.js';
import type { FederationDeps, FederationLogger, FederationSettings } from './settings.js';
import type { Caller, SearchInput, SearchOutput, SearchResultItem, SourceReport } from './types.js';

export interface SearchTarget extends FanOutTarget {
  order: number;
  weight: number;
}

export interface SearchDeps {
  /** All configured sources, in config order. */
  targets: readonly SearchTarget[];
  settings: FederationSettings;
  cache: SearchCache;
  now: () => number;
  logger: FederationLogger;
  generations?: FederationDeps['generations'];
  requestLines?: FederationDeps['requestLines'];
}

/** What the cache holds for one page: everything but the per-caller cursor and timings. */
interface PageValue {
  results: SearchResultItem[];
  sources: SourceReport[];
  partial: boolean;
  hasMore: boolean;
}

function summarize(value: PageValue, offset: number): PageSummary {
  return {
    offset,
    partial: value.partial,
    results: value.results.length,
    sources: value.sources.map(({ name, status, took_ms, count }) => ({ name, status, took_ms, count })),
  };
}

function toResultItem(item: UniqueHit): SearchResultItem {
  const result: SearchResultItem = {
    id: item.id,
    title: item.hit.title,
    snippet: item.hit.snippet,
    url: item.hit.url,
    source: item.source,
    score: Math.round(item.fusedScore * 1e6) / 1e6,
    updated_at: item.hit.updatedAt,
  };
  if (item.alsoIn.length > 0) result.also_in = item.alsoIn;
  return result;
}

export function createSearch(deps: SearchDeps): (input: SearchInput, caller: Caller, signal: AbortSignal) => Promise<SearchOutput> {
  const { settings, now, logger, cache } = deps;
  const names = deps.targets.map((target) => target.connector.name);
  const byName = new Map(deps.targets.map((target) => [target.connector.name, target]));
  const encodeCursor = createCursorEncoder(settings.cursorSecret);
  const memo = new StatisticsMemo({ ttlMs: settings.cache.statisticsTtlMs, now: () => Date.now() });
  const generations: StatisticsContext['generations'] = deps.generations ?? {
    read: async (sources) => new Map(sources.map((source) => [source, 0])),
  };
  // Without statistics from any source, `global` has no common scale: it fuses as `score` does.
  const fallbackFusion: FusionSettings = { ...settings.fusion, mode: 'score' };
  const repeats = cache === noCache ? null : new RepeatedSearches();

  function replay(repeat: RepeatedSearch, caller: Caller, startedAt: number): SearchOutput {
    repeat.lease.recordHit();
    const tookMs = Math.round(now() - startedAt);
    repeat.logReplay(caller.requestId, tookMs);
    return tookMs === 0 ? repeat.output : { ...repeat.output, took_ms: tookMs };
  }

  async function computePage(plan: SearchPlan, offset: number, startedAt: number, signal: AbortSignal): Promise<PageValue> {
    const targets = plan.selected.map((name) => byName.get(name)!);
    const fetchLimit = fusionFetchLimit(sourceFetchLimit(offset, plan.limit), settings.fusion);
    const scope = AbortScope.follow(signal);
    const deadlineAt = startedAt + settings.deadlineMs;
    let answers: Awaited<ReturnType<typeof fanOut>>;
    let words: string[] = [];
    let statisticsFor: ((source: string) => GlobalStatistics) | null = null;
    try {
      // One source alone already ranks with its own (= the global) statistics: no extra call.
      if (settings.fusion.mode === 'global' && targets.length > 1) {
        words = queryWords(plan.query);
        const perSource = await gatherStatistics(targets, words, { memo, generations, scope, deadlineAt, now });
        statisticsFor = combineStatistics(perSource, words);
      }
      answers = await fanOut(
        targets,
        { query: plan.query, limit: fetchLimit, updatedAfter: plan.updatedAfter, principals: plan.principals, statisticsFor: statisticsFor ?? undefined },
        scope,
        deadlineAt,
        now,
      );
    } finally {
      scope.dispose();
    }
    const lists: RankedHit[][] = [];
    const calls: SourceCallResult[] = [];
    let saturated = false;
    answers.forEach((answer, index) => {
      const target = targets[index]!;
      const list = qualifyHits(answer.name, target.order, target.weight, answer.hits, fetchLimit);
      // A source that cannot score with the statistics has its (repaired) hits put on their scale here.
      if (statisticsFor !== null && target.connector.usesGlobalStatistics !== true) {
        const rescored = rescoreFromText(
          list.map((item) => item.hit),
          words,
          statisticsFor(answer.name),
        );
        for (const [position, item] of list.entries()) item.hit = rescored[position]!;
      }
      if (list.length >= fetchLimit) saturated = true;
      lists.push(list);
      const call: SourceCallResult = { name: answer.name, status: answer.status, tookMs: answer.tookMs, count: list.length };
      if (answer.error !== undefined) call.error = answer.error;
      calls.push(call);
    });
    const fusion = settings.fusion.mode === 'global' && statisticsFor === null && targets.length > 1 ? fallbackFusion : settings.fusion;
    const unique = dedupeHits(fuseRankings(lists, fusion));
    const page = slicePage(unique, offset, plan.limit, saturated, settings.maxResultWindow);
    return {
      results: page.items.map(toResultItem),
      sources: buildSourceReports(plan.visible, calls),
      partial: isPartial(calls),
      hasMore: page.hasMore,
    };
  }

  return async function search(input, caller, signal) {
    const startedAt = now();
    const repeatKey = repeats === null ? null : repeats.key(input, caller);
    const repeat = repeatKey === null ? undefined : repeats?.find(repeatKey);
    if (repeat !== undefined) {
      signal.throwIfAborted();
      return replay(repeat, caller, startedAt);
    }
    let plan: SearchPlan | null = null;
    let offset = 0;
    let page: CacheLookup<PageValue> | null = null;
    let summary: PageSummary | null = null;
    let failure: string | null = null;
    try {
      signal.throwIfAborted();
      plan = planSearch(input, caller, names, settings.maxLimit);
      const fingerprint = searchFingerprint(plan, caller, settings.namespace);
      offset = input.cursor === undefined ? 0 : decodeCursor(settings.cursorSecret, input.cursor, fingerprint, settings.maxResultWindow);
      const planned = plan;
      // Hashing costs a few µs: skip it when nothing is cached.
      const key = cache === noCache ? '' : searchCacheKey(planned, offset, caller, settings.fusion, settings.namespace);
      page = await cache.getOrCompute(key, (computeSignal) => computePage(planned, offset, startedAt, computeSignal), {
        ttlMs: settings.cache.searchTtlMs,
        shouldStore: (value) => !value.partial,
        sources: planned.selected,
        signal,
      });
      const { value, cached, lease } = page;
      summary = summarize(value, offset);
      const output: SearchOutput = {
        query: planned.query,
        results: value.results,
        sources: value.sources,
        partial: value.partial,
        next_cursor: value.hasMore ? encodeCursor(fingerprint, offset + planned.limit) : null,
        took_ms: Math.round(now() - startedAt),
        cached,
      };
      if (lease !== undefined && repeatKey !== null) {
        const fields = searchEventFields(caller, input.limit, { failure: null, cached: true, summary, offset });
        repeats?.remember(repeatKey, { output, summary, lease, logReplay: replayLogger(logger, planned.query, fields, deps.requestLines) });
      }
      return output;
    } catch (error) {
      failure = error instanceof KnowledgeError ? error.code : signal.aborted ? 'ABORTED' : 'INTERNAL';
      throw error;
    } finally {
      const fields = searchEventFields(caller, input.limit, { failure, cached: page?.cached ?? false, summary, offset });
      logSearch(logger, caller.requestId, plan?.query ?? null, Math.round(now() - startedAt), fields);
    }
  };
}
