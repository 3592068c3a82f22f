// Remembers each source's statistics per (source, ingest generation, word), so that a word's
// counts cost one call per source until the source changes (a bump) or the entry ages out.
import type { CollectionStatistics } from '../../connectors/contract/types.js';

interface SourceEntry {
  generation: number;
  storedAt: number;
  documentCount: number;
  averageLength: number;
  lengthUnit: string;
  /** null: the source does not index the word. */
  words: Map<string, number | null>;
}

export interface StatisticsMemoOptions {
  /** How long a source's counts are trusted without a generation bump (sources that change outside ingest). */
  ttlMs: number;
  /** Words kept per source before its entry starts over. */
  maxWordsPerSource?: number;
  now: () => number;
}

export class StatisticsMemo {
  readonly #entries = new Map<string, SourceEntry>();
  readonly #options: StatisticsMemoOptions;

  constructor(options: StatisticsMemoOptions) {
    this.#options = options;
  }

  #entry(source: string, generation: number): SourceEntry | null {
    const entry = this.#entries.get(source);
    if (entry === undefined) return null;
    if (entry.generation !== generation || this.#options.now() - entry.storedAt > this.#options.ttlMs) {
      this.#entries.delete(source);
      return null;
    }
    return entry;
  }

  /** What is known of `words` for this source and generation, and which words are not; null when nothing is. */
  lookup(source: string, generation: number, words: readonly string[]): { statistics: CollectionStatistics; missing: string[] } | null {
    const entry = this.#entry(source, generation);
    if (entry === null) return null;
    const documentFrequencies: Record<string, number> = {};
    const missing: string[] = [];
    for (const word of words) {
      const df = entry.words.get(word);
      if (df === undefined) missing.push(word);
      else if (df !== null) documentFrequencies[word] = df;
    }
    return {
      statistics: { documentCount: entry.documentCount, averageLength: entry.averageLength, lengthUnit: entry.lengthUnit, documentFrequencies },
      missing,
    };
  }

  /** Records an answer for `asked` (words absent from the answer are remembered as not indexed). */
  store(source: string, generation: number, asked: readonly string[], answer: CollectionStatistics): void {
    let entry = this.#entry(source, generation);
    const limit = this.#options.maxWordsPerSource ?? 20_000;
    if (entry === null || entry.words.size + asked.length > limit) {
      entry = { generation, storedAt: this.#options.now(), documentCount: 0, averageLength: 0, lengthUnit: '', words: new Map() };
      this.#entries.set(source, entry);
    }
    entry.documentCount = answer.documentCount;
    entry.averageLength = answer.averageLength;
    entry.lengthUnit = answer.lengthUnit;
    for (const word of asked) {
      const df = answer.documentFrequencies[word];
      entry.words.set(word, typeof df === 'number' && Number.isFinite(df) ? df : null);
    }
  }
}
