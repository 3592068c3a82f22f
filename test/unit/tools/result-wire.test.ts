import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeToolResult as toChunks, type ToolResult } from '../../../src/tools/result-wire.js';

const serializeToolResult = (result: ToolResult, extra?: string) => Buffer.concat(toChunks(result, extra));

/** What the wire form must equal: the plain JSON of the MCP result. */
function reference(structuredContent: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  const json = JSON.stringify(structuredContent);
  return { ...extra, content: [{ type: 'text', text: json }], structuredContent: JSON.parse(json), isError: false };
}

const decode = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as { content: Array<{ text: string }>; structuredContent: unknown };

describe('serializeToolResult', () => {
  it('writes structuredContent and the same JSON, byte for byte, as the text block', () => {
    const content = {
      query: 'déploiement …',
      results: [{ id: 'a:1', title: 'Ünïcode “quotes” \\ \n\t', score: 0.5 }],
      sources: [],
      partial: false,
      next_cursor: null,
      took_ms: 3,
      cached: true,
    };
    const wire = decode(serializeToolResult({ isError: false, structuredContent: content }));
    expect(wire).toEqual(reference(content));
    expect(wire.content[0]!.text).toBe(JSON.stringify(content));
  });

  it('matches JSON.stringify for arbitrary JSON values, including lone surrogates and skipped fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.jsonValue(), fc.constant(undefined))), (content) => {
        const text = serializeToolResult({ isError: false, structuredContent: content }).toString('utf8');
        const expected = JSON.stringify(reference(content));
        expect(text).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('serves a shared value from its remembered bytes, and a changed small field fresh each time', () => {
    const results = [{ id: 'a:1', title: 'Deploy runbook' }];
    const first = decode(serializeToolResult({ isError: false, structuredContent: { results, took_ms: 1, cached: false } }));
    const second = decode(serializeToolResult({ isError: false, structuredContent: { results, took_ms: 7, cached: true } }));
    expect(first.structuredContent).toEqual({ results, took_ms: 1, cached: false });
    expect(second.structuredContent).toEqual({ results, took_ms: 7, cached: true });
    expect(JSON.parse(second.content[0]!.text)).toEqual({ results, took_ms: 7, cached: true });
  });

  it('encodes frozen content once per era prefix, with the same bytes as unfrozen content', () => {
    const content = Object.freeze({ query: 'deploy', results: [{ id: 'a:1', title: 'Deploy “runbook”' }], took_ms: 0, cached: true });
    const legacy = toChunks({ isError: false, structuredContent: content });
    const modern = toChunks({ isError: false, structuredContent: content }, '"resultType":"complete",');
    expect(toChunks({ isError: false, structuredContent: content })).toBe(legacy);
    expect(toChunks({ isError: false, structuredContent: content }, '"resultType":"complete",')).toBe(modern);
    expect(Buffer.concat(legacy)).toEqual(serializeToolResult({ isError: false, structuredContent: { ...content } }));
    expect(Buffer.concat(modern)).toEqual(serializeToolResult({ isError: false, structuredContent: { ...content } }, '"resultType":"complete",'));
    const unfrozen = { ...content };
    expect(toChunks({ isError: false, structuredContent: unfrozen })).not.toBe(toChunks({ isError: false, structuredContent: unfrozen }));
  });

  it('puts the era fields first and writes errors as text with isError', () => {
    const ok = JSON.parse(serializeToolResult({ isError: false, structuredContent: {} }, '"resultType":"complete",').toString());
    expect(Object.keys(ok)).toEqual(['resultType', 'content', 'structuredContent', 'isError']);
    expect(ok.structuredContent).toEqual({});
    const failed = JSON.parse(serializeToolResult({ isError: true, message: 'query: expected a non-empty string "x"' }).toString());
    expect(failed).toEqual({ content: [{ type: 'text', text: 'query: expected a non-empty string "x"' }], isError: true });
  });
});
