import { describe, expect, it } from 'vitest';
import { buildFederation, caller, docs, never } from './helpers.js';

describe('listSources', () => {
  it('lists only the caller’s sources with kind, description, status and document count', async () => {
    const { federation, connectors } = buildFederation([
      { name: 'alpha', description: 'Alpha handbook', documents: docs('a', 3) },
      { name: 'beta', documents: docs('b', 2) },
    ]);
    expect(await federation.listSources(caller(['beta']), never())).toEqual([
      { name: 'beta', kind: 'scripted', description: 'Scripted test source with fixed answers', status: 'ok', document_count: 2 },
    ]);
    expect(connectors[0]!.callsOf('health')).toHaveLength(0);
    const all = await federation.listSources(caller(), never());
    expect(all.map((source) => [source.name, source.status, source.document_count])).toEqual([
      ['alpha', 'ok', 3],
      ['beta', 'ok', 2],
    ]);
  });

  it('maps breaker and health onto ok / degraded / suspended / unreachable', async () => {
    const { federation, connectors } = buildFederation(
      [
        { name: 'fine', documents: docs('f', 1) },
        { name: 'flaky', documents: docs('k', 1) },
        { name: 'down', documents: docs('d', 1) },
        { name: 'sick', documents: docs('s', 1), healthy: false },
        { name: 'hung', documents: docs('h', 1), healthBehaviour: { hang: true }, timeoutMs: 40 },
      ],
      { healthTtlMs: 0 },
    );
    connectors[1]!.queueBehaviours({ fail: { message: 'blip', expose: true } });
    connectors[2]!.setBehaviour({ fail: { message: 'down', expose: true } });
    for (let index = 0; index < 5; index += 1) await federation.search({ query: `q${index}`, limit: 1 }, caller(), never());
    const started = performance.now();
    const statuses = (await federation.listSources(caller(), never())).map((source) => [source.name, source.status]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(statuses).toEqual([
      ['fine', 'ok'],
      ['flaky', 'ok'],
      ['down', 'suspended'],
      ['sick', 'unreachable'],
      ['hung', 'unreachable'],
    ]);
    expect(connectors[2]!.callsOf('health')).toHaveLength(0);
    expect(connectors[4]!.callsOf('health')[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('calls a source degraded while it has recent failures', async () => {
    const { federation, connectors } = buildFederation([{ name: 'flaky', documents: docs('k', 1) }]);
    connectors[0]!.queueBehaviours({ fail: { message: 'blip', expose: true } });
    await federation.search({ query: 'x', limit: 1 }, caller(), never());
    expect((await federation.listSources(caller(), never()))[0]?.status).toBe('degraded');
  });

  it('reuses a fresh health answer for concurrent and repeated calls', async () => {
    const { federation, connectors } = buildFederation([{ name: 'alpha', documents: docs('a', 1) }], { healthTtlMs: 60_000 });
    await Promise.all([federation.listSources(caller(), never()), federation.listSources(caller(), never())]);
    await federation.listSources(caller(), never());
    expect(connectors[0]!.callsOf('health')).toHaveLength(1);
  });
});
