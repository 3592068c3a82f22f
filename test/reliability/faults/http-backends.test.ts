// Elasticsearch and Confluence behind a misbehaving network: a fault proxy between the real
// connector and its double serves cut-off JSON, the wrong JSON shape, an HTML page, resets the
// connection (before and during the body), hangs and crawls. For each fault, every search is
// answered from the healthy sources, names the failed one, the breaker opens, and after the
// fault ends the source is back on its own with the breaker closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { startElasticsearchDouble, type ElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { startConfluenceDouble, type ConfluenceDouble } from '../../integration/confluence/confluence-double.js';
import { confluenceAt, CONFLUENCE_CLOUD_AUTH, elasticsearchAt, ES_DOCUMENTS, markdownRunbooks } from '../helpers/connectors.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';
import { callTool, expectNoInternals, type ToolAnswer } from '../helpers/mcp.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';
import { waitUntil } from '../helpers/traffic.js';

const BREAKER = { failureThreshold: 3, initialBackoffMs: 300, maxBackoffMs: 1200 };
const TIMEOUT_MS = 600;

type Report = { name: string; status: string; error?: string; count: number };
const reportOf = (answer: ToolAnswer, name: string): Report | undefined =>
  (answer.result?.structuredContent?.sources as Report[] | undefined)?.find((source) => source.name === name);

let counter = 0;
const search = (service: AssembledService) => callTool(service.url, 'search_documents', { query: `deploy ${counter++}`, limit: 10 });

/** Every answer during a fault: a full tool result, the healthy source's hits, the failure named. */
function expectAnsweredAround(answer: ToolAnswer, faulty: string): Report {
  expect(answer.status).toBe(200);
  expect(answer.result?.isError).toBe(false);
  expectNoInternals(answer.text);
  const output = answer.result!.structuredContent;
  expect(reportOf(answer, 'runbooks')?.status).toBe('ok');
  expect((output.results as Array<{ source: string }>).some((r) => r.source === 'runbooks')).toBe(true);
  expect((output.results as Array<{ source: string }>).some((r) => r.source === faulty)).toBe(false);
  expect(output.partial).toBe(true);
  const report = reportOf(answer, faulty)!;
  expect(['error', 'timeout', 'suspended']).toContain(report.status);
  expect(report.error).toMatch(/\S/);
  expect(report.error!.length).toBeLessThanOrEqual(200);
  // Bounded by the source's timeout, whatever the fault.
  expect(answer.tookMs).toBeLessThan(TIMEOUT_MS + 700);
  return report;
}

async function exerciseFault(service: AssembledService, proxy: FaultProxy, faulty: string, fault: Fault, searchPath: RegExp): Promise<Report[]> {
  const guard = service.federation.guards.get(faulty)!;
  expect(guard.breaker.state()).toBe('closed');
  proxy.inject(fault, searchPath);
  const reports: Report[] = [];
  for (let i = 0; i < BREAKER.failureThreshold + 2; i += 1) reports.push(expectAnsweredAround(await search(service), faulty));
  expect(reports.slice(0, BREAKER.failureThreshold).every((r) => r.status !== 'suspended')).toBe(true);
  expect(reports.at(-1)?.status).toBe('suspended');
  expect(guard.breaker.state()).toBe('open');

  proxy.heal();
  let last: ToolAnswer | undefined;
  await waitUntil(
    `${faulty} answering again after ${fault.kind}`,
    async () => {
      last = await search(service);
      return reportOf(last, faulty)?.status === 'ok';
    },
    5000,
    100,
  );
  expect(last?.result?.structuredContent.partial).toBe(false);
  expect((last!.result!.structuredContent.results as Array<{ source: string }>).some((r) => r.source === faulty)).toBe(true);
  expect(guard.breaker.state()).toBe('closed');
  return reports;
}

const FAULTS: Array<[string, Fault]> = [
  ['cut-off JSON', { kind: 'truncated-json' }],
  ['an HTML page with status 200', { kind: 'html' }],
  ['a connection reset before any answer', { kind: 'reset' }],
  ['a connection reset half-way through the body', { kind: 'reset-mid-body' }],
  ['no answer at all (hang)', { kind: 'hang' }],
];

describe.each([
  {
    kind: 'Elasticsearch',
    name: 'search',
    searchPath: /\/_search$/,
    wrongShapes: [
      // Found by this suite: a string as hits.hits used to read as "ok, no hits".
      { body: { took: 1, timed_out: false, hits: { total: { value: 1 }, hits: 'none' } } },
      { body: { hits: { hits: [{ _id: 7, _score: 'high', _source: 'text' }] } } },
      { body: ['not', 'an', 'object'] },
    ],
  },
  {
    kind: 'Confluence',
    name: 'wiki',
    searchPath: /\/rest\/api\/search$/,
    wrongShapes: [
      { body: { results: 'none', size: 'many' } },
      { body: { results: [{ content: 7, title: null, url: 42 }], _links: [] } },
      { body: ['not', 'an', 'object'] },
    ],
  },
])('$kind behind a faulty network', ({ kind, name, searchPath, wrongShapes }) => {
  let es: ElasticsearchDouble | null = null;
  let confluence: ConfluenceDouble | null = null;
  let proxy: FaultProxy;
  let service: AssembledService;
  let connectors: Connector[];

  beforeAll(async () => {
    let faulty: Connector & { start: (signal: AbortSignal) => Promise<void> };
    if (kind === 'Elasticsearch') {
      es = await startElasticsearchDouble();
      es.seed('docs', ES_DOCUMENTS);
      proxy = await startFaultProxy(es.url);
      faulty = elasticsearchAt(proxy.url, name);
    } else {
      confluence = await startConfluenceDouble({ flavor: 'cloud', auth: CONFLUENCE_CLOUD_AUTH });
      proxy = await startFaultProxy(confluence.baseUrl);
      faulty = confluenceAt(`${proxy.url}/wiki`, name);
    }
    const runbooks = markdownRunbooks();
    connectors = [runbooks, faulty];
    await Promise.all([runbooks.start(AbortSignal.timeout(10_000)), faulty.start(AbortSignal.timeout(10_000))]);
    service = await startAssembledService({
      sources: [
        { connector: runbooks, config: sourceConfig() },
        { connector: faulty, config: sourceConfig({ timeout_ms: TIMEOUT_MS }) },
      ],
      settings: { breaker: BREAKER, deadlineMs: 2000 },
    });
  });
  afterAll(async () => {
    await service?.close();
    await Promise.all((connectors ?? []).map((c) => c.close()));
    await proxy?.close();
    await es?.close();
    await confluence?.close();
  });

  it('answers in full while healthy', async () => {
    const answer = await search(service);
    expect(answer.result?.structuredContent.partial).toBe(false);
    expect((answer.result!.structuredContent.results as Array<{ source: string }>).some((r) => r.source === name)).toBe(true);
  });

  it.each(FAULTS)('survives %s', async (_label, fault) => {
    const reports = await exerciseFault(service, proxy, name, fault, searchPath);
    if (fault.kind === 'hang') expect(reports[0]?.status).toBe('timeout');
    else expect(reports[0]?.status).toBe('error');
  });

  for (const [index, shape] of wrongShapes.entries()) {
    it(`survives valid JSON of the wrong shape (#${index + 1})`, async () => {
      try {
        await exerciseFault(service, proxy, name, { kind: 'wrong-shape', body: shape.body }, searchPath);
      } finally {
        proxy.heal();
        await waitUntil('breaker closed again', async () => reportOf(await search(service), name)?.status === 'ok', 5000, 100);
      }
    });
  }

  it('waits for a slow answer within its timeout and uses it (slow is not failed)', async () => {
    proxy.inject({ kind: 'slow', delayMs: 300 }, searchPath);
    try {
      const answer = await search(service);
      expect(reportOf(answer, name)?.status).toBe('ok');
      expect(answer.result?.structuredContent.partial).toBe(false);
      expect(answer.tookMs).toBeGreaterThanOrEqual(280);
    } finally {
      proxy.heal();
    }
  });

  it('turns a broken get_document into a one-line tool error, not a crash', async () => {
    proxy.inject({ kind: 'truncated-json' });
    try {
      const id = kind === 'Elasticsearch' ? `${name}:es-deploy` : `${name}:65602`;
      const answer = await callTool(service.url, 'get_document', { document_id: id });
      expect(answer.status).toBe(200);
      expect(answer.result?.isError).toBe(true);
      expectNoInternals(answer.text);
      expect(answer.result?.content[0]?.text).toMatch(/^[A-Z_]+: |^internal error \(request id/);
    } finally {
      proxy.heal();
    }
  });
});
