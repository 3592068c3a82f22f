import { describe, expect, it } from 'vitest';
import { scriptedConnectorFactory, type ScriptedConnector } from '../../../connectors/scripted/index.js';
import { SourceError } from '../../../connectors/contract/errors.js';
import { never } from './helpers.js';

function fromConfig(entry: Record<string, unknown>): ScriptedConnector {
  const config = scriptedConnectorFactory.configSchema.parse({ kind: 'scripted', name: 'fake', ...entry });
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  return scriptedConnectorFactory.create(config, { logger, dataDir: './data', env: {} }) as ScriptedConnector;
}

const search = (connector: ScriptedConnector, signal = never(), limit = 10) => connector.search({ query: 'anything', limit, updatedAfter: null, signal });

describe('scripted connector from a config entry', () => {
  it('returns its fixed ranked list for any query, best first, at most limit', async () => {
    const connector = fromConfig({
      documents: [
        { id: 'one', title: 'One' },
        { id: 'two', title: 'Two', score: 0.5 },
        { id: 'three', title: 'Three' },
      ],
    });
    const hits = await search(connector, never(), 2);
    expect(hits.map((hit) => [hit.nativeId, hit.score])).toEqual([
      ['one', 3],
      ['two', 0.5],
    ]);
    expect(connector.calls[0]).toMatchObject({ operation: 'search', query: 'anything', limit: 2, outcome: 'completed' });
  });

  it('rejects unknown fields and bad values with zod', () => {
    expect(scriptedConnectorFactory.configSchema.safeParse({ kind: 'scripted', name: 'fake', delay: 5 }).success).toBe(false);
    expect(scriptedConnectorFactory.configSchema.safeParse({ kind: 'scripted', name: 'fake', delay_ms: -1 }).success).toBe(false);
  });

  it('fails with a SourceError carrying the configured message and exposure', async () => {
    const connector = fromConfig({ fail_message: 'index missing', fail_expose: true });
    const error = await search(connector).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'SOURCE_ERROR', message: 'index missing', expose: true });
    expect(connector.calls[0]?.outcome).toBe('failed');
  });

  it('delays its answer and records a cancelled call when aborted mid-work', async () => {
    const connector = fromConfig({ delay_ms: 5000 });
    const controller = new AbortController();
    const pending = search(connector, controller.signal);
    expect(connector.inFlight).toBe(1);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(connector.calls[0]).toMatchObject({ outcome: 'cancelled', abortSeen: true });
    expect(connector.inFlight).toBe(0);
  });

  it('keeps working after an abort when told to ignore it, and records that it completed', async () => {
    const connector = fromConfig({ delay_ms: 30, ignore_abort: true, documents: [{ id: 'one', title: 'One' }] });
    const controller = new AbortController();
    const pending = search(connector, controller.signal);
    controller.abort();
    await expect(pending).resolves.toHaveLength(1);
    expect(connector.calls[0]).toMatchObject({ outcome: 'completed', abortSeen: true });
  });

  it('runs queued behaviours one call each, then returns to its standing behaviour', async () => {
    const connector = fromConfig({ documents: [{ id: 'one', title: 'One' }] });
    connector.queueBehaviours({ fail: { message: 'first', expose: true } }, { fail: { message: 'second', expose: true } });
    await expect(search(connector)).rejects.toThrow('first');
    await expect(search(connector)).rejects.toThrow('second');
    await expect(search(connector)).resolves.toHaveLength(1);
  });

  it('reports health as configured', async () => {
    expect(await fromConfig({ healthy: false, document_count: 7 }).health(never())).toMatchObject({ ok: false, documentCount: 7 });
  });
});
