// A seeded Zipf(s) sampler over ranks 0..n-1 (rank 0 the most popular), for reproducible
// query mixes: the CDF is precomputed once and sampled by binary search.
import { seededRandom } from '../lib/seeded-random.js';

export function createZipfSampler(n: number, s: number, seed: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank += 1) {
    total += 1 / (rank + 1) ** s;
    cdf[rank] = total;
  }
  const random = seededRandom(seed);
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cdf[mid] ?? 0) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}
