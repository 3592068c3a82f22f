import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/bounded-memo.js';

describe('BoundedMemo', () => {
  it('computes each key once, remembers false answers, and never holds more than its bound', () => {
    const computed: string[] = [];
    const memo = new BoundedMemo<boolean>(3);
    const isShort = (key: string) => {
      computed.push(key);
      return key.length < 2;
    };
    expect(memo.get('a', isShort)).toBe(true);
    expect(memo.get('long', isShort)).toBe(false);
    expect(memo.get('a', isShort)).toBe(true);
    expect(memo.get('long', isShort)).toBe(false);
    expect(computed).toEqual(['a', 'long']);
    // Full at three: the fourth distinct key ('c') starts it over, so 'a' is computed afresh and 'c' is kept.
    memo.get('b', isShort);
    memo.get('c', isShort);
    memo.get('a', isShort);
    expect(computed).toEqual(['a', 'long', 'b', 'c', 'a']);
    expect(memo.get('c', isShort)).toBe(true);
    expect(computed).toHaveLength(5);
  });
});
