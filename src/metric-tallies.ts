// Metrics counted on the request path as plain numbers, per label combination. prom-client
// validates and hashes the label set on every inc() and observe(), even through labels(): on a
// cached search that was ~2 µs for the latency histogram and ~0.8 µs per counter (bench:cache
// profile). Here a label combination is found through one Map per label value (the values are
// mostly constant strings whose hash V8 keeps), and the work of the exposition waits for a scrape.
import type { Counter, Registry } from 'prom-client';

type LabelValue = string | number;

/** One entry per label combination, found by walking one Map level per label value. */
class LabelSeries<T> {
  readonly #root = new Map<LabelValue, unknown>();
  readonly #all: T[] = [];
  readonly #labelNames: readonly string[];
  readonly #create: (labels: Record<string, string>) => T;

  constructor(labelNames: readonly string[], create: (labels: Record<string, string>) => T) {
    this.#labelNames = labelNames;
    this.#create = create;
  }

  /** The entry of these values (in `labelNames` order), made on first use. */
  of(values: readonly LabelValue[]): T {
    let level = this.#root;
    const last = this.#labelNames.length - 1;
    for (let index = 0; index < last; index += 1) {
      const value = values[index] ?? '';
      let next = level.get(value) as Map<LabelValue, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const value = values[last] ?? '';
    let entry = level.get(value) as T | undefined;
    if (entry === undefined) {
      entry = this.#create(Object.fromEntries(this.#labelNames.map((name, index) => [name, String(values[index] ?? '')])));
      level.set(value, entry);
      this.#all.push(entry);
    }
    return entry;
  }

  values(): readonly T[] {
    return this.#all;
  }
}

class Tally {
  count = 0;
  reported = 0;
  constructor(readonly labels: Record<string, string>) {}

  inc(): void {
    this.count += 1;
  }
}

/**
 * Counts added to their prom-client counter when it is scraped (its `collect`). 200 and '200' are
 * two tallies of the same label set; each adds its own count.
 */
export class CounterTally {
  readonly #series: LabelSeries<Tally>;

  constructor(labelNames: readonly string[]) {
    if (labelNames.length === 0) throw new Error('a counter tally needs at least one label');
    this.#series = new LabelSeries(labelNames, (labels) => new Tally(labels));
  }

  /** The tally of one label combination (values in `labelNames` order), to `inc()`. */
  of(...values: LabelValue[]): { inc(): void } {
    return this.#series.of(values);
  }

  /** Adds what was counted since the last scrape. */
  flushInto(counter: Counter<string>): void {
    for (const tally of this.#series.values()) {
      if (tally.count > tally.reported) {
        counter.inc(tally.labels, tally.count - tally.reported);
        tally.reported = tally.count;
      }
    }
  }
}

class Buckets {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Record<string, string>,
    readonly upperBounds: readonly number[],
  ) {
    this.counts = new Float64Array(upperBounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.upperBounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index += 1;
    this.counts[index]! += 1;
    this.sum += value;
    this.count += 1;
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

interface HistogramSample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface HistogramTallyOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
  registers: readonly Registry[];
}

/**
 * A Prometheus histogram whose observations are bucket counts per label combination, registered
 * in a prom-client registry as a metric of its own: the registry asks `get()` when scraped and
 * writes the same exposition (`_bucket{le}` cumulative, `_sum`, `_count`) as prom-client's Histogram.
 */
export class HistogramTally {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  /** Summed across cluster workers, as prom-client's histograms are. */
  readonly aggregator = 'sum' as const;
  readonly #upperBounds: readonly number[];
  readonly #series: LabelSeries<Buckets>;

  constructor(options: HistogramTallyOptions) {
    if (options.labelNames.length === 0) throw new Error('a histogram tally needs at least one label');
    this.name = options.name;
    this.help = options.help;
    this.#upperBounds = [...options.buckets].sort((a, b) => a - b);
    this.#series = new LabelSeries(options.labelNames, (labels) => new Buckets(labels, this.#upperBounds));
    // prom-client's types name its own four classes; its registry reads name, help, type, get() and reset()
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The series of one label combination (values in `labelNames` order), to `observe(value)`. */
  of(...values: LabelValue[]): { observe(value: number): void } {
    return this.#series.of(values);
  }

  /** What prom-client's registry reads of a metric when scraped (as its Histogram answers). */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: HistogramSample[] }> {
    const values: HistogramSample[] = [];
    for (const series of this.#series.values()) {
      let cumulative = 0;
      this.#upperBounds.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...series.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...series.labels }, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...series.labels }, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Registry.resetMetrics(): forget every observation. */
  reset(): void {
    for (const series of this.#series.values()) series.clear();
  }
}
