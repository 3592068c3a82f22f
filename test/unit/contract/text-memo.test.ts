import { describe, expect, it } from 'vitest';
import { TextMemo } from '../../../connectors/contract/text/text-memo.js';

describe('TextMemo', () => {
  const wordsOf = (computed: string[]) => (text: string) => {
    computed.push(text);
    return { value: text.split(' '), weight: text.split(' ').length };
  };

  it('computes a text once while it is remembered', () => {
    const computed: string[] = [];
    const memo = new TextMemo<string[]>(10);
    const first = memo.get('a b c', wordsOf(computed));
    expect(memo.get('a b c', wordsOf(computed))).toBe(first);
    expect(computed).toEqual(['a b c']);
    expect(memo.weight).toBe(3);
  });

  it('lets the oldest texts go when the weight would pass the bound, and never holds more', () => {
    const computed: string[] = [];
    const memo = new TextMemo<string[]>(6);
    memo.get('a b c', wordsOf(computed));
    memo.get('d e', wordsOf(computed));
    memo.get('f g h', wordsOf(computed)); // 3 + 2 + 3 > 6: 'a b c' goes
    expect(memo.weight).toBe(5);
    memo.get('d e', wordsOf(computed));
    memo.get('a b c', wordsOf(computed)); // computed again; 'd e' (oldest) goes
    expect(computed).toEqual(['a b c', 'd e', 'f g h', 'a b c']);
    expect(memo.weight).toBe(6);
  });

  it('answers a text heavier than the bound without keeping it or dropping the others', () => {
    const computed: string[] = [];
    const memo = new TextMemo<string[]>(4);
    memo.get('a b', wordsOf(computed));
    expect(memo.get('c d e f g', wordsOf(computed))).toEqual(['c', 'd', 'e', 'f', 'g']);
    expect(memo.weight).toBe(2);
    memo.get('a b', wordsOf(computed));
    memo.get('c d e f g', wordsOf(computed));
    expect(computed).toEqual(['a b', 'c d e f g', 'c d e f g']);
  });
});
