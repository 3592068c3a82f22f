// Every tool's input under fuzzing, through the dispatcher: one field at a time made wrong
// (wrong type, out of range, empty, huge, deeply nested, unicode edge), unknown extra fields,
// forged cursors, and arbitrary valid inputs. Wrong input is a tool error (isError) that names
// the field; valid input is answered with output that satisfies the tool's outputSchema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDocumentOutput, listSourcesOutput, searchDocumentsOutput } from '../../src/tools/schemas.js';
import { codeUnits, hostileQuery, nastyValue, UNICODE_EDGES } from './arbitraries.js';
import { buildDispatcher, CALLER, expectWellFormed, signal, unexpectedFailures } from './rpc-checks.js';

const { dispatcher, logs } = buildDispatcher();
let nextId = 1;

async function callTool(name: string, args: unknown) {
  const started = performance.now();
  const response = await dispatcher.handle(
    Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } })),
    {},
    CALLER,
    signal,
  );
  const tookMs = performance.now() - started;
  const message = expectWellFormed(response);
  expect(message?.error, JSON.stringify(message?.error)).toBeUndefined();
  expect(tookMs).toBeLessThan(2000);
  return message!.result as { isError: boolean; content: Array<{ text: string }>; structuredContent?: unknown };
}

const wrongTypes = fc.constantFrom<unknown>(null, true, 0, -1, 1.5, [], {}, [1, 2], { nested: { deeper: [] } });
const hugeString = fc.integer({ min: 1, max: 4 }).map((n) => 'x'.repeat(50_000 * n));

/** For each tool: a valid base and, per field, values the schema must refuse. */
const TOOLS: Record<string, { base: Record<string, unknown>; invalid: Record<string, fc.Arbitrary<unknown>> }> = {
  search_documents: {
    base: { query: 'deploy' },
    invalid: {
      query: fc.oneof(
        wrongTypes,
        fc.constantFrom('', '   ', '\t\n'),
        fc.integer({ min: 1001, max: 5000 }).map((n) => 'q'.repeat(n)),
        hugeString,
      ),
      limit: fc.oneof(fc.constantFrom<unknown>(null, true, '10', [], {}, 0, 51, -1, 1.5, 1e308), fc.integer({ min: 51 }), fc.integer({ max: 0 })),
      sources: fc.oneof(
        fc.constantFrom<unknown>('handbook', 1, null, {}, [], [1], [null], ['Bad Name'], ['x'.repeat(40)], ['../etc'], ['handbook;drop']),
        fc.array(fc.constant('handbook'), { minLength: 51, maxLength: 60 }),
        fc.constantFrom(...UNICODE_EDGES).map((edge) => [edge]),
      ),
      updated_after: fc.oneof(
        fc.constantFrom<unknown>(123, null, [], {}, '', 'yesterday', '2025-13-45T00:00:00Z', '2025-01-01', 'T00:00:00Z', '2025-01-01T25:00:00Z'),
        codeUnits(12).filter((s) => !/^\d{4}-/.test(s)),
      ),
      cursor: fc.oneof(
        fc.constantFrom<unknown>('', 5, null, [], {}),
        fc.integer({ min: 2001, max: 4000 }).map((n) => 'c'.repeat(n)),
      ),
    },
  },
  get_document: {
    base: { document_id: 'handbook:handbook-1' },
    invalid: {
      document_id: fc.oneof(
        wrongTypes,
        fc.constantFrom('', 'ab'),
        fc.integer({ min: 2049, max: 5000 }).map((n) => `handbook:${'d'.repeat(n)}`),
      ),
      max_chars: fc.oneof(fc.constantFrom<unknown>(null, '5', [], 0, -5, 1.5, 1_000_001, 1e308), fc.integer({ min: 1_000_001 })),
      offset: fc.oneof(fc.constantFrom<unknown>(null, 'a', [], {}, -1, 0.5), fc.integer({ max: -1 })),
    },
  },
  list_sources: { base: {}, invalid: {} },
};

describe('tool inputs under fuzzing', () => {
  for (const [tool, { base, invalid }] of Object.entries(TOOLS)) {
    for (const [field, values] of Object.entries(invalid)) {
      it(`${tool}: a wrong ${field} is a tool error naming ${field}`, async () => {
        await fc.assert(
          fc.asyncProperty(values, async (value) => {
            const result = await callTool(tool, { ...base, [field]: value });
            expect(result.isError).toBe(true);
            expect(result.content[0]!.text).toMatch(/^INVALID_ARGUMENT: /);
            expect(result.content[0]!.text).toContain(field);
            expect(result.content[0]!.text.length).toBeLessThan(1000);
          }),
          { numRuns: 60 },
        );
      });
    }

    it(`${tool}: an unknown field is a tool error naming it`, async () => {
      const known = new Set([...Object.keys(base), ...Object.keys(invalid)]);
      await fc.assert(
        fc.asyncProperty(
          fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/).filter((key) => !known.has(key) && key !== '__proto__'),
          nastyValue,
          async (key, value) => {
            const result = await callTool(tool, { ...base, [key]: value });
            expect(result.isError).toBe(true);
            expect(result.content[0]!.text).toMatch(/^INVALID_ARGUMENT: /);
            expect(result.content[0]!.text).toContain(key);
          },
        ),
        { numRuns: 60 },
      );
    });

    it(`${tool}: arguments that are not an object are a tool error`, async () => {
      for (const args of ['deploy', 42, true, ['query', 'deploy'], [{ query: 'deploy' }]]) {
        const result = await callTool(tool, args);
        expect(result.isError, JSON.stringify(args)).toBe(true);
        expect(result.content[0]!.text).toMatch(/^INVALID_ARGUMENT: /);
      }
    });
  }

  it('search_documents: a forged or foreign cursor is a clear INVALID_CURSOR error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 200 }),
          fc.base64String({ minLength: 4, maxLength: 300 }),
          codeUnits(50).filter((s) => s.length > 0),
        ),
        async (cursor) => {
          const result = await callTool('search_documents', { query: 'deploy', cursor });
          expect(result.isError).toBe(true);
          expect(result.content[0]!.text).toMatch(/^INVALID_CURSOR: |^INVALID_ARGUMENT: .*cursor/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('search_documents: any valid input is answered, with output matching the outputSchema', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          query: hostileQuery,
          limit: fc.integer({ min: 1, max: 50 }),
          sources: fc.option(fc.subarray(['handbook', 'runbooks'], { minLength: 1 }), { nil: undefined }),
          updated_after: fc.option(
            fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
            { nil: undefined },
          ),
        }),
        async (input) => {
          const args = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
          const result = await callTool('search_documents', args);
          expect(result.isError, result.content[0]?.text).toBe(false);
          const parsed = searchDocumentsOutput.safeParse(result.structuredContent);
          expect(parsed.success).toBe(true);
          expect((result.structuredContent as { sources: Array<{ status: string }> }).sources.every((s) => s.status === 'ok' || s.status === 'skipped')).toBe(
            true,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('get_document and list_sources: valid input is answered with output matching their outputSchemas', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (n, maxChars, offset) => {
          const result = await callTool('get_document', { document_id: `runbooks:runbooks-${n}`, max_chars: maxChars, offset });
          expect(result.isError, result.content[0]?.text).toBe(false);
          expect(getDocumentOutput.safeParse(result.structuredContent).success).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    const listed = await callTool('list_sources', {});
    expect(listSourcesOutput.safeParse(listed.structuredContent).success).toBe(true);
  });

  it('logged no unexpected failure for any of it', () => {
    expect(unexpectedFailures(logs)).toEqual([]);
  });
});
