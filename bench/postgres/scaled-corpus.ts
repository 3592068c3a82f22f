// SciFact grown to 100k or 1M documents for the Postgres benchmarks. The 5,183 real abstracts
// come first, unchanged; every further document is a variation of one of them: its title, about
// 60 % of its sentences in a new order, and one or two sentences from each of two other abstracts.
// So term frequencies, document lengths and the vocabulary's long tail stay SciFact-like (no
// exact duplicates, whose tied scores would make top-10 comparisons meaningless), and every
// training query still has its judged documents in the corpus. Deterministic for a given size.
import type { IngestDocument } from '../../connectors/contract/types.js';

/** Park–Miller style generator: the same documents on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.length > 0);
}

/** `size` documents: the base corpus, then variations of it (ids `<base id>~<n>`). */
export function* scaledCorpus(base: readonly IngestDocument[], size: number, seed = 19): Generator<IngestDocument> {
  const random = seededRandom(seed);
  const split = base.map((doc) => sentences(doc.text));
  for (let index = 0; index < size; index += 1) {
    if (index < base.length) {
      yield base[index]!;
      continue;
    }
    const which = index % base.length;
    const own = split[which]!;
    const kept = own.filter(() => random() < 0.6);
    if (kept.length === 0 && own.length > 0) kept.push(own[Math.floor(random() * own.length)]!);
    for (let other = 0; other < 2; other += 1) {
      const donor = split[Math.floor(random() * split.length)]!;
      const take = 1 + Math.floor(random() * 2);
      for (let n = 0; n < take && donor.length > 0; n += 1) kept.push(donor[Math.floor(random() * donor.length)]!);
    }
    for (let i = kept.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [kept[i], kept[j]] = [kept[j]!, kept[i]!];
    }
    yield { id: `${base[which]!.id}~${Math.floor(index / base.length)}`, title: base[which]!.title, text: kept.join(' ') };
  }
}

export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
