import { describe, expect, it } from 'vitest';
import { qualifiedName, quoteIdent } from '../../../connectors/postgres/identifiers.js';

describe('quoteIdent', () => {
  it('double-quotes plain identifiers, keeping their case', () => {
    expect(quoteIdent('knowledge_mcp')).toBe('"knowledge_mcp"');
    expect(quoteIdent('Docs$2')).toBe('"Docs$2"');
    expect(qualifiedName('public', 'articles')).toBe('"public"."articles"');
    expect(qualifiedName(undefined, 'articles')).toBe('"articles"');
  });

  it.each(['', 'a"b', 'a b', 'x;drop', '1abc', 'a'.repeat(64), 'schema.table'])('refuses %j', (name) => {
    expect(() => quoteIdent(name)).toThrow(/identifier/);
  });
});
