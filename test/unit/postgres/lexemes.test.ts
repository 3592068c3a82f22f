// The stemming cache behind snippets: one round trip for the words it has not seen, and when it
// is full it forgets the least recently used words, not all of them.
import { describe, expect, it } from 'vitest';
import { LexemeCache } from '../../../connectors/postgres/lexemes.js';
import type { SqlClient } from '../../../connectors/postgres/sql-client.js';

function fakeClient(asked: string[][]): SqlClient {
  const query = async (_text: string, params: readonly unknown[]) => {
    const words = params[1] as string[];
    asked.push(words);
    return words.map((word) => ({ word, lexemes: [word.replace(/s$/, '')] }));
  };
  return { backend: 'pg', query, exec: async () => undefined, withSession: async () => undefined, close: async () => undefined } as unknown as SqlClient;
}

describe('LexemeCache', () => {
  const signal = AbortSignal.timeout(5_000);

  it('asks only for the words it has not seen', async () => {
    const asked: string[][] = [];
    const cache = new LexemeCache(() => fakeClient(asked), 'english');
    expect((await cache.lexize(['cats', 'dog'], signal)).get('cats')).toEqual(['cat']);
    await cache.lexize(['cats', 'birds'], signal);
    expect(asked).toEqual([['cats', 'dog'], ['birds']]);
  });

  it('evicts the least recently used words when full, keeping the ones just used', async () => {
    const asked: string[][] = [];
    const cache = new LexemeCache(() => fakeClient(asked), 'english', 3);
    await cache.lexize(['a', 'b', 'c'], signal);
    await cache.lexize(['a'], signal); // a is now the most recently used
    await cache.lexize(['d'], signal); // over the limit: b, the oldest, goes
    asked.length = 0;
    await cache.lexize(['a', 'c', 'd'], signal);
    expect(asked).toEqual([]);
    await cache.lexize(['b'], signal);
    expect(asked).toEqual([['b']]);
  });
});
