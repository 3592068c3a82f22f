// The operators' endpoints on a server with keys (issue 18 items 2–4): /readyz tells anyone only
// ready or not, and the per-source detail only to a key, within its scope, reusing health answers
// briefly; /metrics (which names every source and key) needs an unscoped key; /status.json takes
// the same per-key rate limit as /mcp and /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import type { ApiKey } from '../../../src/config/load-config.js';
import { sourceConfig, startAssembledService, type AssembledService } from '../helpers/service.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const CI_KEY = 'ci-key-0123456789abcdefgh';
const LIMITED_KEY = 'limited-key-0123456789abcd';
const KEYS: ApiKey[] = [
  { name: 'admin', key: ADMIN_KEY, sources: null, rateLimitPerMinute: 0 },
  { name: 'ci', key: CI_KEY, sources: ['handbook'], rateLimitPerMinute: 0 },
  { name: 'limited', key: LIMITED_KEY, sources: null, rateLimitPerMinute: 3 },
];
const admin = { 'x-api-key': ADMIN_KEY };
const ci = { authorization: `Bearer ${CI_KEY}` };
const limited = { 'x-api-key': LIMITED_KEY };

const doc = (id: string, title: string) => ({ id, title, text: `${title}: how to deploy.` });

describe('operator endpoints on a server with keys', () => {
  let service: AssembledService;
  const handbook = new ScriptedConnector({ name: 'handbook', ranking: 'match', documents: [doc('h1', 'Handbook deploy')], documentCount: 1 });
  const runbooks = new ScriptedConnector({ name: 'runbooks', ranking: 'match', documents: [doc('r1', 'Secret runbook')], documentCount: 1 });

  beforeAll(async () => {
    service = await startAssembledService({
      sources: [
        { connector: handbook, config: sourceConfig() },
        { connector: runbooks, config: sourceConfig() },
      ],
      keys: KEYS,
    });
  });
  afterAll(() => service?.close());

  const readyz = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}/readyz`, { headers });
    return { status: response.status, text: await response.text() };
  };

  it('/readyz without a key (or with a wrong one) says only ready or not, naming no source', async () => {
    for (const headers of [{}, { 'x-api-key': `${ADMIN_KEY}x` }] as Array<Record<string, string>>) {
      const answer = await readyz(headers);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ ready: true });
      expect(answer.text).not.toMatch(/handbook|runbooks|scripted|document/);
    }
  });

  it('/readyz with a key gives the per-source detail within the key’s scope', async () => {
    const full = JSON.parse((await readyz(admin)).text) as {
      ready: boolean;
      sources: Array<{ name: string; kind: string; ok: boolean; document_count: number }>;
    };
    expect(full.ready).toBe(true);
    expect(full.sources.map((source) => source.name)).toEqual(['handbook', 'runbooks']);
    expect(full.sources[0]).toMatchObject({ name: 'handbook', kind: 'scripted', ok: true, document_count: 1 });
    const scoped = await readyz(ci);
    expect(JSON.parse(scoped.text).sources.map((source: { name: string }) => source.name)).toEqual(['handbook']);
    expect(scoped.text).not.toMatch(/runbooks/);
  });

  it('/readyz reuses health answers: ten probes in a row cost each source one health check', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past the reuse window of earlier tests
    const before = handbook.callsOf('health').length;
    for (let i = 0; i < 10; i += 1) await readyz(i % 2 === 0 ? {} : admin);
    expect(handbook.callsOf('health').length - before).toBe(1);
  });

  it('/readyz answers 503 and ready:false to anyone when no source is reachable', async () => {
    handbook.healthy = false;
    runbooks.healthy = false;
    try {
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const answer = await readyz();
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.text)).toEqual({ ready: false });
    } finally {
      handbook.healthy = true;
      runbooks.healthy = true;
    }
  });

  it('/metrics refuses a key limited to some sources (403) and serves an unscoped one', async () => {
    const scoped = await fetch(`${service.url}/metrics`, { headers: ci });
    expect(scoped.status).toBe(403);
    const scopedText = await scoped.text();
    expect(JSON.parse(scopedText)).toMatchObject({ jsonrpc: '2.0', error: { code: -32003 } });
    expect(scopedText).not.toMatch(/runbooks/);
    const full = await fetch(`${service.url}/metrics`, { headers: admin });
    expect(full.status).toBe(200);
    expect(await full.text()).toMatch(/knowledge_mcp_/);
  });

  it('/status.json applies the per-key rate limit, like /mcp and /metrics', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${service.url}/status.json`, { headers: limited });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The budget is the key's, whichever route spends it.
    const mcp = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { ...limited, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(mcp.status).toBe(429);
  });
});
