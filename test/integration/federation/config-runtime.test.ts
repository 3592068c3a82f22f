// The federation as the server builds it: a config file of `scripted` sources and scoped keys,
// through loadConfig and assembleCore (real cache layer in memory, metrics, breakers).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Caller } from '../../../src/federation/types.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import { assembleCore } from '../../../src/composition/assemble.js';
import type { Runtime } from '../../../src/composition/runtime.js';

const doc = (id: string, title: string, text: string) => ({ id, title, text, url: `https://docs.example.com/${id}` });

const CONFIG = {
  sources: [
    {
      name: 'handbook',
      kind: 'scripted',
      ranking: 'match',
      documents: [
        doc('leave', 'Parental leave policy', 'Parental leave lasts sixteen weeks.'),
        doc('deploy', 'Deploy checklist', 'Roll back a deploy with the release tool.'),
      ],
    },
    {
      name: 'runbooks',
      kind: 'scripted',
      ranking: 'match',
      documents: [
        doc('rollback', 'Rollback runbook', 'To roll back a deploy, pin the previous release.'),
        doc('oncall', 'On-call rota', 'Who is on call this week.'),
      ],
    },
    { name: 'slow', kind: 'scripted', ranking: 'match', delay_ms: 5000, timeout_ms: 120, documents: [doc('late', 'Deploy notes', 'deploy deploy')] },
  ],
  keys: [{ name: 'ci', key_env: 'FEDTEST_CI_KEY', sources: ['handbook'] }],
};

let dir: string;
let runtime: Runtime;
let metrics: Metrics;
const anyone: Caller = { keyName: null, allowedSources: null, requestId: 'it-1' };
const ci: Caller = { keyName: 'ci', allowedSources: new Set(['handbook']), requestId: 'it-2' };
const signal = () => AbortSignal.timeout(10_000);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'federation-it-'));
  writeFileSync(path.join(dir, 'knowledge-mcp.config.json'), JSON.stringify(CONFIG));
  const config = loadConfig({ env: { FEDTEST_CI_KEY: 'k'.repeat(24), DATA_DIR: dir }, cwd: dir, factories: CONNECTOR_FACTORIES });
  metrics = createMetrics({ defaultMetrics: false });
  ({ runtime } = await assembleCore(config, { logger: createLogger('silent'), metrics }));
});

afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('federation built from a config file', () => {
  it('answers from the healthy sources within the slow one’s configured timeout, and does not cache the partial answer', async () => {
    const started = performance.now();
    const first = await runtime.service.search({ query: 'roll back a deploy', limit: 10 }, anyone, signal());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(first.partial).toBe(true);
    expect(first.sources.map(({ name, status }) => [name, status])).toEqual([
      ['handbook', 'ok'],
      ['runbooks', 'ok'],
      ['slow', 'timeout'],
    ]);
    expect(first.results.map((result) => result.id).sort()).toEqual(['handbook:deploy', 'runbooks:rollback']);
    const again = await runtime.service.search({ query: 'roll back a deploy', limit: 10 }, anyone, signal());
    expect(again.cached).toBe(false);
    const counted = (await metrics.registry.getSingleMetricAsString('knowledge_mcp_source_requests_total')).split('\n');
    expect(counted.some((line) => line.includes('source="slow"') && line.includes('status="timeout"'))).toBe(true);
  });

  it('caches a complete answer and pages it with a cursor', async () => {
    const first = await runtime.service.search({ query: 'deploy', limit: 1, sources: ['handbook', 'runbooks'] }, anyone, signal());
    expect(first.partial).toBe(false);
    expect(first.next_cursor).not.toBeNull();
    const repeat = await runtime.service.search({ query: 'deploy', limit: 1, sources: ['handbook', 'runbooks'] }, anyone, signal());
    expect(repeat.cached).toBe(true);
    expect(repeat.results).toEqual(first.results);
    const second = await runtime.service.search({ query: 'deploy', limit: 1, sources: ['handbook', 'runbooks'], cursor: first.next_cursor! }, anyone, signal());
    expect(second.results).toHaveLength(1);
    expect(second.results[0]?.id).not.toBe(first.results[0]?.id);
  });

  it('holds a key’s scope on search, get and list', async () => {
    const found = await runtime.service.search({ query: 'roll back a deploy', limit: 10 }, ci, signal());
    expect(found.results.map((result) => result.source)).toEqual(['handbook']);
    expect(found.sources.map((source) => source.name)).toEqual(['handbook']);
    const error = await runtime.service
      .getDocument({ document_id: 'runbooks:rollback', max_chars: 100, offset: 0 }, ci, signal())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KnowledgeError);
    expect((error as KnowledgeError).message).toBe('unknown source "runbooks"; available sources: handbook');
    expect((await runtime.service.listSources(ci, signal())).map((source) => source.name)).toEqual(['handbook']);
    const own = await runtime.service.getDocument({ document_id: 'handbook:leave', max_chars: 100, offset: 0 }, ci, signal());
    expect(own.content).toBe('Parental leave lasts sixteen weeks.');
  });
});
