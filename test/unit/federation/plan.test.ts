import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { normalizeQuery, parseUpdatedAfter, planSearch } from '../../../src/federation/plan.js';
import { caller } from './helpers.js';

const names = ['handbook', 'runbooks', 'secret'];

function planError(fn: () => unknown): KnowledgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error('expected a KnowledgeError');
}

describe('planSearch', () => {
  it('selects every source the caller may use, in config order', () => {
    const plan = planSearch({ query: '  roll back  ', limit: 10 }, caller(['secret', 'handbook']), names, 50);
    expect(plan.selected).toEqual(['handbook', 'secret']);
    expect(plan.visible).toEqual(['handbook', 'secret']);
    expect(plan.query).toBe('roll back');
  });

  it('narrows to the sources filter, keeping config order and dropping repeats', () => {
    const plan = planSearch({ query: 'x', limit: 5, sources: ['runbooks', 'handbook', 'runbooks'] }, caller(), names, 50);
    expect(plan.selected).toEqual(['handbook', 'runbooks']);
    expect(plan.visible).toEqual(names);
  });

  it('names an unknown source and lists only what the caller can see', () => {
    const error = planError(() => planSearch({ query: 'x', limit: 5, sources: ['nope'] }, caller(['handbook']), names, 50));
    expect(error.code).toBe('UNKNOWN_SOURCE');
    expect(error.expose).toBe(true);
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain('handbook');
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toContain('runbooks');
  });

  it('treats a source outside the key scope exactly like an unknown one', () => {
    const forbidden = planError(() => planSearch({ query: 'x', limit: 5, sources: ['secret'] }, caller(['handbook']), names, 50));
    const unknown = planError(() => planSearch({ query: 'x', limit: 5, sources: ['zzzzzz'] }, caller(['handbook']), names, 50));
    expect(forbidden.code).toBe(unknown.code);
    expect(forbidden.message.replace('"secret"', '"?"')).toBe(unknown.message.replace('"zzzzzz"', '"?"'));
  });

  it('rejects an empty or too long query and an out-of-range limit', () => {
    expect(planError(() => planSearch({ query: '   ', limit: 5 }, caller(), names, 50)).code).toBe('INVALID_ARGUMENT');
    expect(planError(() => planSearch({ query: 'x'.repeat(1001), limit: 5 }, caller(), names, 50)).code).toBe('INVALID_ARGUMENT');
    expect(planError(() => planSearch({ query: 'x', limit: 51 }, caller(), names, 50)).code).toBe('INVALID_ARGUMENT');
    expect(planError(() => planSearch({ query: 'x', limit: 0 }, caller(), names, 50)).code).toBe('INVALID_ARGUMENT');
  });

  it('parses updated_after as an ISO date-time and refuses anything else', () => {
    expect(parseUpdatedAfter('2025-01-31T00:00:00Z')?.toISOString()).toBe('2025-01-31T00:00:00.000Z');
    expect(parseUpdatedAfter('2025-01-31T02:00:00+02:00')?.toISOString()).toBe('2025-01-31T00:00:00.000Z');
    expect(parseUpdatedAfter(undefined)).toBeNull();
    for (const bad of ['yesterday', '1', 'May 5 2024', '2025-13-45T00:00:00Z']) {
      expect(planError(() => parseUpdatedAfter(bad)).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('normalises whitespace and Unicode composition for comparison only', () => {
    expect(normalizeQuery(' caf\u0065\u0301   au\tlait ')).toBe('caf\u00e9 au lait');
  });
});
