// Issue 17: sources score with the federation's global statistics, so a split corpus ranks as one
// index; statistics are remembered per source generation; sources that cannot use them are re-scored.
import { describe, expect, it } from 'vitest';
import { bm25TermScore, countTerms, globalTermWeights } from '../../../connectors/contract/text/bm25.js';
import { analyzeQuery, analyzeTerm } from '../../../connectors/contract/text/text-analysis.js';
import type { CollectionStatistics, Connector, GlobalStatistics, SearchRequest, SourceHit, StatisticsRequest } from '../../../connectors/contract/types.js';
import { MemoryGenerationStore } from '../../../src/cache/generation-store.js';
import { createFederation } from '../../../src/federation/federation.js';
import { combineStatistics } from '../../../src/federation/statistics.js';
import { caller, never, recordingLogger } from './helpers.js';

interface Doc {
  id: string;
  title: string;
  text: string;
}

/** A tiny BM25 engine: own statistics, or the federation's when given. */
class TinyEngine implements Connector {
  readonly kind = 'tiny';
  readonly description = 'tiny BM25 engine';
  readonly usesGlobalStatistics = true;
  statisticsCalls: string[][] = [];
  received: Array<GlobalStatistics | undefined> = [];
  failStatistics = false;
  private readonly counted: Array<Doc & ReturnType<typeof countTerms>>;

  constructor(
    readonly name: string,
    docs: Doc[],
  ) {
    this.counted = docs.map((doc) => ({ ...doc, ...countTerms(doc.title, doc.text) }));
  }

  private df(term: string): number {
    return this.counted.filter((doc) => doc.tfs.has(term)).length;
  }

  private get averageLength(): number {
    return this.counted.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, this.counted.length);
  }

  async collectionStatistics(request: StatisticsRequest): Promise<CollectionStatistics> {
    this.statisticsCalls.push([...request.words]);
    if (this.failStatistics) throw new Error('statistics unavailable');
    const documentFrequencies: Record<string, number> = {};
    for (const word of request.words) {
      const term = analyzeTerm(word);
      if (term !== null) documentFrequencies[word] = this.df(term);
    }
    return { documentCount: this.counted.length, averageLength: this.averageLength, lengthUnit: 'text-analysis', documentFrequencies };
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    this.received.push(request.statistics);
    const own: GlobalStatistics = { documentCount: this.counted.length, averageLength: null, documentFrequencies: {} };
    const statistics = request.statistics ?? own;
    const weights = globalTermWeights(analyzeQuery(request.query, { stem: false }), (word) => analyzeTerm(word), statistics, {
      documentCount: this.counted.length,
      documentFrequency: (term) => this.df(term),
    });
    const average = statistics.averageLength ?? this.averageLength;
    return this.counted
      .map((doc) => {
        let score = 0;
        for (const [term, weight] of weights) score += bm25TermScore(weight, doc.tfs.get(term) ?? 0, doc.length, average);
        return { doc, score };
      })
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || (a.doc.id < b.doc.id ? -1 : 1))
      .slice(0, request.limit)
      .map(({ doc, score }) => ({ nativeId: doc.id, title: doc.title, snippet: doc.text.slice(0, 200), url: null, score, updatedAt: null }));
  }

  async get() {
    return null;
  }
  async health() {
    return { ok: true, documentCount: this.counted.length };
  }
  async close() {}
}

/** A source whose engine cannot take statistics: its own scores are on a scale of thousands. */
class WikiLike implements Connector {
  readonly kind = 'wiki';
  readonly description = 'wiki without statistics';
  constructor(
    readonly name: string,
    private readonly hits: SourceHit[],
  ) {}
  async search(request: SearchRequest): Promise<SourceHit[]> {
    return this.hits.slice(0, request.limit);
  }
  async get() {
    return null;
  }
  async health() {
    return { ok: true, documentCount: this.hits.length };
  }
  async close() {}
}

function federationOf(connectors: Connector[], mode: 'global' | 'score' = 'global', extra: Parameters<typeof createFederation>[0]['generations'] = undefined) {
  return createFederation({
    sources: connectors.map((connector) => ({ connector, config: { weight: 1, timeout_ms: 2000, max_concurrency: 4 } })),
    settings: { cursorSecret: 'test-secret', fusion: { mode } },
    logger: recordingLogger(),
    ...(extra ? { generations: extra } : {}),
  });
}

// "leave" is everywhere in the HR source and rare in the engineering one; "parental" only in HR.
const hr: Doc[] = [
  { id: 'parental', title: 'Parental leave', text: 'Parental leave lasts sixteen weeks, paid in full.' },
  ...Array.from({ length: 8 }, (_, index) => ({ id: `hr${index}`, title: `Leave rule ${index}`, text: `How leave ${index} is booked and approved.` })),
];
const eng: Doc[] = [
  { id: 'vacation', title: 'Vacation and leave policy', text: 'Leave, vacation, leave requests and leave approvals for the team.' },
  ...Array.from({ length: 8 }, (_, index) => ({ id: `eng${index}`, title: `Runbook ${index}`, text: `Restart service ${index} after a deploy.` })),
];

describe('global statistics', () => {
  it('combines counts: documents add up, a word is scaled over the sources that index it, lengths pool per unit', () => {
    const combined = combineStatistics(
      new Map<string, CollectionStatistics>([
        ['a', { documentCount: 100, averageLength: 10, lengthUnit: 'x', documentFrequencies: { cell: 10, between: 5 } }],
        ['b', { documentCount: 300, averageLength: 30, lengthUnit: 'x', documentFrequencies: { cell: 30 } }],
        ['c', { documentCount: 100, averageLength: 99, lengthUnit: 'y', documentFrequencies: { cell: 0 } }],
      ]),
      ['cell', 'between', 'unknown'],
    )!;
    const forA = combined('a');
    expect(forA.documentCount).toBe(500);
    expect(forA.documentFrequencies.cell).toBe(40);
    // Only source a indexes "between" (5 of its 100): 5 % of the whole federation.
    expect(forA.documentFrequencies.between).toBeCloseTo(25);
    expect(forA.documentFrequencies.unknown).toBeUndefined();
    expect(forA.averageLength).toBeCloseTo((100 * 10 + 300 * 30) / 400);
    expect(combined('c').averageLength).toBe(99);
    expect(combined('nostats').averageLength).toBeNull();
  });

  it('ranks a split corpus as one index would: the topical page beats the page that merely repeats a common word', async () => {
    const one = new TinyEngine('one', [...hr, ...eng]);
    const whole = await federationOf([one]).search({ query: 'parental leave', limit: 3 }, caller(), never());
    const split = await federationOf([new TinyEngine('hr', hr), new TinyEngine('eng', eng)]).search({ query: 'parental leave', limit: 3 }, caller(), never());
    expect(whole.results[0]!.id).toBe('one:parental');
    expect(split.results.map((result) => result.id.split(':')[1])).toEqual(whole.results.map((result) => result.id.split(':')[1]));
    expect(split.results.map((result) => result.score)).toEqual(whole.results.map((result) => result.score));
    // With its own statistics, the engineering source scores its vacation page above HR's parental page.
    const request = { query: 'parental leave', limit: 1, updatedAfter: null, signal: never() };
    const [ownHr] = await new TinyEngine('hr', hr).search(request);
    const [ownEng] = await new TinyEngine('eng', eng).search(request);
    expect(ownEng!.score).toBeGreaterThan(ownHr!.score);
  });

  it('asks each source once per word and generation: a repeated word costs no call until the source is re-ingested', async () => {
    const engine = new TinyEngine('hr', hr);
    let generation = 1;
    const federation = federationOf([engine, new TinyEngine('eng', eng)], 'global', {
      read: async (sources) => new Map(sources.map((source) => [source, generation])),
    });
    await federation.search({ query: 'parental leave', limit: 3 }, caller(), never());
    await federation.search({ query: 'leave rules', limit: 3 }, caller(), never());
    expect(engine.statisticsCalls).toEqual([['parental', 'leave'], ['rules']]);
    generation = 2;
    await federation.search({ query: 'leave', limit: 3 }, caller(), never());
    expect(engine.statisticsCalls.at(-1)).toEqual(['leave']);
  });

  it('reuses statistics with the generation store the server wires in (a class whose read needs its own this)', async () => {
    const engine = new TinyEngine('hr', hr);
    const store = new MemoryGenerationStore();
    const federation = federationOf([engine, new TinyEngine('eng', eng)], 'global', store);
    await federation.search({ query: 'parental leave', limit: 3 }, caller(), never());
    await federation.search({ query: 'leave rules', limit: 3 }, caller(), never());
    expect(engine.statisticsCalls).toEqual([['parental', 'leave'], ['rules']]);
    await store.bump('hr');
    await federation.search({ query: 'leave', limit: 3 }, caller(), never());
    expect(engine.statisticsCalls.at(-1)).toEqual(['leave']);
  });

  it('still searches a source whose statistics call fails, with what the others reported', async () => {
    const failing = new TinyEngine('eng', eng);
    failing.failStatistics = true;
    const output = await federationOf([new TinyEngine('hr', hr), failing]).search({ query: 'parental leave', limit: 3 }, caller(), never());
    expect(output.partial).toBe(false);
    expect(failing.received.at(-1)?.documentCount).toBe(hr.length);
    expect(output.results[0]!.id).toBe('hr:parental');
  });

  it('re-scores the hits of a source that cannot use statistics from their text, onto the shared scale', async () => {
    const wiki = new WikiLike('wiki', [
      { nativeId: 'Unrelated', title: 'Deploy checklist', snippet: 'Restart the service after a deploy.', url: null, score: 9000, updatedAt: null },
    ]);
    const output = await federationOf([new TinyEngine('hr', hr), wiki]).search({ query: 'parental leave', limit: 3 }, caller(), never());
    expect(output.results[0]!.id).toBe('hr:parental');
    const rescored = output.results.find((result) => result.id === 'wiki:Unrelated');
    expect(rescored?.score ?? 0).toBe(0);
  });

  it('keeps pages stable: a hit keeps its place on page 1 when page 2 is fetched', async () => {
    const docs = (prefix: string): Doc[] =>
      Array.from({ length: 30 }, (_, index) => ({
        id: `${prefix}${index}`,
        title: `Leave note ${index}`,
        text: `leave ${'leave '.repeat(index % 7)} parental ${index % 3 === 0 ? 'parental' : ''}`,
      }));
    const federation = federationOf([new TinyEngine('a', docs('a')), new TinyEngine('b', docs('b')), new TinyEngine('c', docs('c'))]);
    const first = await federation.search({ query: 'parental leave', limit: 10 }, caller(), never());
    const second = await federation.search({ query: 'parental leave', limit: 10, cursor: first.next_cursor! }, caller(), never());
    const both = await federation.search({ query: 'parental leave', limit: 20 }, caller(), never());
    expect(both.results.map((result) => result.id)).toEqual([...first.results, ...second.results].map((result) => result.id));
    const again = await federation.search({ query: 'parental leave', limit: 10 }, caller(), never());
    expect(again.results).toEqual(first.results);
  });
});

describe('global statistics with one source', () => {
  it('asks nothing extra and keeps the source order and its own scores', async () => {
    const engine = new TinyEngine('hr', hr);
    const wiki = new WikiLike('wiki', [
      { nativeId: 'B', title: 'Deploy checklist', snippet: 'nothing relevant', url: null, score: 3, updatedAt: null },
      { nativeId: 'A', title: 'Parental leave', snippet: 'parental leave', url: null, score: 2, updatedAt: null },
    ]);
    const federation = federationOf([engine, wiki]);
    await federation.search({ query: 'parental leave', limit: 3, sources: ['hr'] }, caller(), never());
    expect(engine.statisticsCalls).toEqual([]);
    expect(engine.received).toEqual([undefined]);
    const alone = await federation.search({ query: 'parental leave', limit: 3, sources: ['wiki'] }, caller(), never());
    expect(alone.results.map((result) => [result.id, result.score])).toEqual([
      ['wiki:B', 3],
      ['wiki:A', 2],
    ]);
  });
});
