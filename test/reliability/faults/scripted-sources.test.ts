// Fault injection through the real composition root: a config file declares a source that hangs
// (and ignores its abort signal), one that is slow, and one that fails; agents keep getting
// answers that name the failed sources, breakers open, and healed sources come back unattended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { callTool, expectNoInternals, type ToolAnswer } from '../helpers/mcp.js';
import { startRuntimeService, type RuntimeService } from '../helpers/service.js';
import { pause, startTraffic, waitUntil } from '../helpers/traffic.js';

const documents = (prefix: string) => [
  { id: `${prefix}-deploy`, title: `${prefix} deploy guide`, text: 'How to deploy and roll back a service safely.' },
  { id: `${prefix}-leave`, title: `${prefix} leave policy`, text: 'Book leave two weeks ahead; deploy freezes apply.' },
];

const CONFIG = {
  sources: [
    { name: 'handbook', kind: 'scripted', ranking: 'match', documents: documents('handbook') },
    { name: 'slow', kind: 'scripted', ranking: 'match', delay_ms: 400, timeout_ms: 1500, documents: documents('slow') },
    { name: 'stuck', kind: 'scripted', ranking: 'match', hang: true, ignore_abort: true, timeout_ms: 300, max_concurrency: 2, documents: documents('stuck') },
    { name: 'broken', kind: 'scripted', ranking: 'match', fail_message: 'upstream answered HTTP 502', timeout_ms: 500, documents: documents('broken') },
  ],
  search: { deadline_ms: 2500 },
};

type Report = { name: string; status: string; error?: string; count: number };
const report = (answer: ToolAnswer, name: string): Report | undefined =>
  (answer.result?.structuredContent?.sources as Report[] | undefined)?.find((source) => source.name === name);

describe('a hanging, a slow and a failing source behind the real runtime', () => {
  let service: RuntimeService;
  beforeAll(async () => {
    service = await startRuntimeService({ config: CONFIG });
  });
  afterAll(() => service?.close());

  it('answers every search with the healthy and slow sources, names the failed ones, and suspends them', async () => {
    const traffic = startTraffic(4, (worker, i) => callTool(service.url, 'search_documents', { query: `deploy w${worker} i${i}` }), 10);
    await pause(2500);
    await traffic.stop();
    const answers = traffic.samples;
    expect(answers.length).toBeGreaterThan(12);
    for (const sample of answers) {
      expect(sample.error).toBeUndefined();
      const answer = sample.value as ToolAnswer;
      expect(answer.status).toBe(200);
      expect(answer.result?.isError).toBe(false);
      expectNoInternals(answer.text);
      const output = answer.result!.structuredContent;
      const ids = (output.results as Array<{ id: string }>).map((r) => r.id);
      // Everything that could be answered was: the healthy and the slow source's hits.
      expect(ids).toEqual(expect.arrayContaining(['handbook:handbook-deploy', 'slow:slow-deploy']));
      expect(ids.some((id) => id.startsWith('stuck:') || id.startsWith('broken:'))).toBe(false);
      expect(output.partial).toBe(true);
      expect(report(answer, 'handbook')?.status).toBe('ok');
      expect(report(answer, 'slow')?.status).toBe('ok');
      expect(['timeout', 'suspended']).toContain(report(answer, 'stuck')?.status);
      expect(['error', 'suspended']).toContain(report(answer, 'broken')?.status);
      expect(report(answer, 'broken')?.error).toBeTruthy();
      // Bounded by the slow source (400 ms), not by the stuck one.
      expect(answer.tookMs).toBeLessThan(1500);
    }
    const statuses = (name: string) => answers.map((s) => report(s.value as ToolAnswer, name)?.status);
    expect(statuses('broken')).toContain('error');
    expect(answers.map((s) => report(s.value as ToolAnswer, 'broken')?.error)).toContain('upstream answered HTTP 502');
    expect(answers.map((s) => report(s.value as ToolAnswer, 'stuck')?.error)).toContain('no answer within 300 ms');
    // After five failures in a row (DESIGN §5) both breakers are open: calls are refused at once.
    expect(statuses('broken').at(-1)).toBe('suspended');
    expect(statuses('stuck').at(-1)).toBe('suspended');
    const suspendedTimes = answers.filter((s) => report(s.value as ToolAnswer, 'stuck')?.status === 'suspended').map((s) => s.tookMs);
    // A suspended source costs nothing: only the slow source's 400 ms remain.
    expect(Math.max(...suspendedTimes)).toBeLessThan(1000);
    const warnings = service.logs
      .records()
      .filter((r) => r.level === 40)
      .map((r) => r.msg);
    expect(warnings).toEqual(expect.arrayContaining(['circuit breaker of source broken is open', 'circuit breaker of source stuck is open']));
    expect(warnings.some((m) => m?.includes('stuck ignored its abort signal'))).toBe(true);
  });

  it('keeps list_sources and /readyz answering while sources are down', async () => {
    const listed = await callTool(service.url, 'list_sources', {});
    expect(listed.result?.isError).toBe(false);
    const byName = Object.fromEntries((listed.result!.structuredContent.sources as Array<{ name: string; status: string }>).map((s) => [s.name, s.status]));
    expect(byName.handbook).toBe('ok');
    expect(byName.broken).toBe('suspended');
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('recovers by itself once the sources heal: half-open probe after the back-off, breaker closed, full answers', async () => {
    (service.runtime.connectors.get('broken') as ScriptedConnector).setBehaviour({});
    (service.runtime.connectors.get('stuck') as ScriptedConnector).setBehaviour({});
    let last: ToolAnswer | undefined;
    let i = 0;
    // Default back-off is 5 s after opening; no restart, no operator action.
    const tookMs = await waitUntil(
      'both sources answering again',
      async () => {
        last = await callTool(service.url, 'search_documents', { query: `deploy recovery ${i++}` });
        return report(last, 'broken')?.status === 'ok' && report(last, 'stuck')?.status === 'ok';
      },
      15_000,
      250,
    );
    expect(tookMs).toBeLessThan(15_000);
    expect(last?.result?.structuredContent.partial).toBe(false);
    const ids = (last!.result!.structuredContent.results as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['broken:broken-deploy', 'stuck:stuck-deploy']));
    const infos = service.logs
      .records()
      .filter((r) => r.level === 40)
      .map((r) => r.msg);
    expect(infos).toEqual(expect.arrayContaining(['circuit breaker of source broken is closed', 'circuit breaker of source stuck is closed']));
  }, 30_000);
});
