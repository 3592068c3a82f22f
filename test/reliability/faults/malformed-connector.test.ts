// A connector that breaks the contract and returns garbage shapes (numbers for titles, objects
// for URLs, NaN scores, a non-array, null). The service must still answer from the healthy
// source with output that satisfies the tool's own outputSchema, which clients validate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, SearchRequest, SourceHit } from '../../../connectors/contract/types.js';
import { getDocumentOutput, searchDocumentsOutput } from '../../../src/tools/schemas.js';
import { markdownRunbooks } from '../helpers/connectors.js';
import { callTool, expectNoInternals } from '../helpers/mcp.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

/** Garbage answers; the federation repairs or drops malformed hits (src/federation/qualify.ts). */
const GARBAGE: Array<{ label: string; answer: unknown }> = [
  {
    label: 'non-string id, numeric title, object url',
    answer: [
      { nativeId: 'ok-1', title: 'Deploy notes', snippet: 'a **deploy**', url: null, score: 1, updatedAt: null },
      { nativeId: 42, title: 7, snippet: null, url: { href: 'x' }, score: 'high', updatedAt: 'yesterday' },
    ],
  },
  { label: 'NaN score', answer: [{ nativeId: 'nan', title: 'NaN score', snippet: 'deploy', url: null, score: Number.NaN, updatedAt: null }] },
  { label: 'missing title, url and date', answer: [{ nativeId: 'no-title', snippet: 'deploy', score: 1 }] },
  {
    label: 'an object as the date',
    answer: [{ nativeId: 'weird-date', title: 'Date', snippet: 'deploy', url: 'not a url', score: 1, updatedAt: { year: 2025 } }],
  },
  { label: 'an object instead of a list', answer: { hits: [] } },
  { label: 'null instead of a list', answer: null },
  { label: 'a string instead of a list', answer: 'garbage' },
  { label: 'null and scalars as hits', answer: [null, 3, 'x', []] },
];

class GarbageConnector implements Connector {
  readonly name = 'garbage';
  readonly kind = 'scripted';
  readonly description = 'Returns malformed data';
  next: unknown = [];
  async search(_request: SearchRequest): Promise<SourceHit[]> {
    return this.next as SourceHit[];
  }
  async get(nativeId: string) {
    return { nativeId, title: 12, url: ['x'], updatedAt: 5, content: { text: 'x' }, metadata: 'none' } as never;
  }
  async health() {
    return { ok: 'yes', documentCount: 'many' } as never;
  }
  async close() {}
}

describe('a source that returns malformed data', () => {
  let service: AssembledService;
  const runbooks = markdownRunbooks();
  const garbage = new GarbageConnector();
  beforeAll(async () => {
    await runbooks.start(AbortSignal.timeout(10_000));
    service = await startAssembledService({
      sources: [
        { connector: runbooks, config: sourceConfig() },
        { connector: garbage, config: sourceConfig() },
      ],
      settings: { breaker: { failureThreshold: 100, baseSuspendMs: 100, maxSuspendMs: 100 } },
    });
  });
  afterAll(async () => {
    await service?.close();
    await runbooks.close();
  });

  for (const { label, answer: returned } of GARBAGE) {
    it(`still answers from the healthy source with schema-valid output: ${label}`, async () => {
      garbage.next = returned;
      const answer = await callTool(service.url, 'search_documents', { query: 'deploy rollback' });
      expect(answer.status).toBe(200);
      expectNoInternals(answer.text);
      expect(answer.result?.isError).toBe(false);
      const output = answer.result!.structuredContent;
      const parsed = searchDocumentsOutput.safeParse(output);
      expect(parsed.success, JSON.stringify(parsed.error?.issues ?? [])).toBe(true);
      expect((output.results as Array<{ source: string }>).some((r) => r.source === 'runbooks')).toBe(true);
      expect(JSON.parse(answer.result!.content[0]!.text)).toEqual(output);
    });
  }

  it('answers get_document from a malformed source with schema-valid output or a tool error', async () => {
    const answer = await callTool(service.url, 'get_document', { document_id: 'garbage:x' });
    expect(answer.status).toBe(200);
    expectNoInternals(answer.text);
    if (!answer.result?.isError) {
      const parsed = getDocumentOutput.safeParse(answer.result?.structuredContent);
      expect(parsed.success, JSON.stringify(parsed.error?.issues ?? [])).toBe(true);
    }
  });

  it('lists sources although one answers its health check with garbage', async () => {
    const answer = await callTool(service.url, 'list_sources', {});
    expect(answer.status).toBe(200);
    expect(answer.result?.isError).toBe(false);
    expect((answer.result!.structuredContent.sources as Array<{ name: string }>).map((s) => s.name)).toEqual(['runbooks', 'garbage']);
  });
});
