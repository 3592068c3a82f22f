// What was worked out from a text (its words, their terms), remembered by the text itself and
// bounded by the total weight held (words, for the snippet makers): the oldest go first. A hit's
// text comes back search after search, since the same pages match the same words.
export class TextMemo<V> {
  readonly #entries = new Map<string, { value: V; weight: number }>();
  readonly #maxWeight: number;
  #weight = 0;

  constructor(maxWeight: number) {
    this.#maxWeight = maxWeight;
  }

  /** The remembered value for `text`, or `compute`'s, kept unless it alone outweighs the bound. */
  get(text: string, compute: (text: string) => { value: V; weight: number }): V {
    const known = this.#entries.get(text);
    if (known !== undefined) return known.value;
    const made = compute(text);
    if (made.weight > this.#maxWeight) return made.value;
    for (const [oldText, old] of this.#entries) {
      if (this.#weight + made.weight <= this.#maxWeight) break;
      this.#entries.delete(oldText);
      this.#weight -= old.weight;
    }
    this.#entries.set(text, made);
    this.#weight += made.weight;
    return made.value;
  }

  /** The weight held now (tests). */
  get weight(): number {
    return this.#weight;
  }
}
