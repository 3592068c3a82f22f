// Remembered results of a pure computation, by string key, up to a bound: when full it starts
// over. Clearing needs no bookkeeping per hit, and on a hot path the same few keys come back
// within a request or two; a caller sending endless distinct keys cannot grow it.
export class BoundedMemo<V> {
  readonly #values = new Map<string, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(key: string, compute: (key: string) => V): V {
    let value = this.#values.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.#values.size >= this.#maxEntries) this.#values.clear();
      this.#values.set(key, value);
    }
    return value;
  }
}
