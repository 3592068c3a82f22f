// Global term statistics (issue 17): the query's words, each source's own counts for them (from
// the memo or one call), and their combination into the statistics every source scores with.
import { analyzeQuery } from '../../connectors/contract/text/text-analysis.js';
import type { CollectionStatistics, GlobalStatistics } from '../../connectors/contract/types.js';
import type { AbortScope } from './abort-scope.js';
import type { FanOutTarget } from './fan-out.js';
import type { FederationDeps } from './settings.js';
import type { StatisticsMemo } from './statistics-memo.js';

/** More distinct words than this add nothing to ranking and only grow the statistics call. */
export const MAX_STATISTICS_WORDS = 64;

/** The query's distinct words as the federation keys statistics: folded, no stop words, unstemmed. */
export function queryWords(query: string): string[] {
  return analyzeQuery(query, { stem: false }).slice(0, MAX_STATISTICS_WORDS);
}

export interface StatisticsContext {
  memo: StatisticsMemo;
  /** Each source's ingest generation (the cache layer's store, its `read` called on it); null when unknown (then nothing is reused). */
  generations: NonNullable<FederationDeps['generations']>;
  scope: AbortScope;
  deadlineAt: number;
  now: () => number;
}

/**
 * Each target's own statistics for `words`, or null for a source that cannot tell or failed to
 * (it then scores with what the others reported). Only words the memo lacks are asked for.
 */
export async function gatherStatistics(
  targets: readonly FanOutTarget[],
  words: readonly string[],
  context: StatisticsContext,
): Promise<Map<string, CollectionStatistics>> {
  const found = new Map<string, CollectionStatistics>();
  const capable = targets.filter((target) => typeof target.connector.collectionStatistics === 'function');
  if (words.length === 0 || capable.length === 0) return found;
  const names = capable.map((target) => target.connector.name);
  const generations = await context.generations.read(names, context.scope.signal).catch(() => null);
  await Promise.all(
    capable.map(async (target) => {
      const name = target.connector.name;
      const generation = generations?.get(name) ?? null;
      const known = generation === null ? null : context.memo.lookup(name, generation, words);
      if (known !== null && known.missing.length === 0) {
        found.set(name, known.statistics);
        return;
      }
      const ask = known?.missing ?? words;
      const timeoutMs = Math.max(0, Math.min(target.timeoutMs, context.deadlineAt - context.now()));
      const outcome = await target.guard.run('statistics', (signal) => target.connector.collectionStatistics!({ words: ask, signal }), {
        scope: context.scope,
        timeoutMs,
      });
      if (outcome.status !== 'ok' || !isStatistics(outcome.value)) return;
      if (generation !== null) context.memo.store(name, generation, ask, outcome.value);
      found.set(name, known === null ? outcome.value : mergeAnswers(known.statistics, outcome.value));
    }),
  );
  return found;
}

function isStatistics(value: unknown): value is CollectionStatistics {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<CollectionStatistics>;
  return (
    Number.isFinite(candidate.documentCount) &&
    (candidate.documentCount ?? -1) >= 0 &&
    Number.isFinite(candidate.averageLength) &&
    typeof candidate.lengthUnit === 'string' &&
    candidate.documentFrequencies !== null &&
    typeof candidate.documentFrequencies === 'object'
  );
}

function mergeAnswers(cached: CollectionStatistics, fresh: CollectionStatistics): CollectionStatistics {
  return { ...fresh, documentFrequencies: { ...cached.documentFrequencies, ...fresh.documentFrequencies } };
}

/**
 * One index's statistics from many: documents add up; a word's document frequency adds up over
 * the sources that index it and is scaled to all documents (a source that drops the word as a
 * stop word says nothing about it); average lengths are pooled per length unit.
 * Returns what each source receives, or null when no source reported anything.
 */
export function combineStatistics(
  perSource: ReadonlyMap<string, CollectionStatistics>,
  words: readonly string[],
): ((source: string) => GlobalStatistics) | null {
  let documentCount = 0;
  const units = new Map<string, { documents: number; length: number }>();
  for (const stats of perSource.values()) {
    documentCount += stats.documentCount;
    const unit = units.get(stats.lengthUnit) ?? { documents: 0, length: 0 };
    unit.documents += stats.documentCount;
    unit.length += stats.averageLength * stats.documentCount;
    units.set(stats.lengthUnit, unit);
  }
  if (documentCount === 0) return null;
  const documentFrequencies: Record<string, number> = {};
  for (const word of words) {
    let df = 0;
    let indexedIn = 0;
    for (const stats of perSource.values()) {
      const given = stats.documentFrequencies[word];
      if (typeof given !== 'number' || !Number.isFinite(given) || given < 0) continue;
      df += Math.min(given, stats.documentCount);
      indexedIn += stats.documentCount;
    }
    if (indexedIn > 0) documentFrequencies[word] = (df * documentCount) / indexedIn;
  }
  const averageOf = (unitName: string | undefined): number | null => {
    const unit = unitName === undefined ? undefined : units.get(unitName);
    return unit === undefined || unit.documents === 0 ? null : unit.length / unit.documents;
  };
  const shared: Record<string, GlobalStatistics> = {};
  return (source) => {
    const unit = perSource.get(source)?.lengthUnit;
    const key = unit ?? '';
    shared[key] ??= { documentCount, averageLength: averageOf(unit), documentFrequencies };
    return shared[key];
  };
}
