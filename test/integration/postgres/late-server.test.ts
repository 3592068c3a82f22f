// A server that is down when the source starts: start fails, and once the server answers the
// source applies its migrations by itself and serves, without a restart.
import net from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { PostgresConnector } from '../../../connectors/postgres/index.js';
import { createPostgresConnector, dropSchema, fromArray, postgresSkipReason, signal, uniqueSchema } from './helpers.js';
import { freePort } from '../../helpers/free-port.js';

const skipReason = await postgresSkipReason();

/** Forwards 127.0.0.1:port to the local Postgres. */
function startProxy(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const upstream = net.connect(5432, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close);
    upstream.on('error', close);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(skipReason !== null)(`postgres down at start${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const schema = uniqueSchema('late');
  let proxy: net.Server | null = null;
  let connector: PostgresConnector | null = null;

  afterAll(async () => {
    await connector?.close();
    proxy?.close();
    await dropSchema(schema);
  });

  it('migrates and serves once the server is reachable', async () => {
    const port = await freePort();
    connector = createPostgresConnector({
      name: 'late',
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      schema,
      connect_timeout_ms: 500,
    }) as PostgresConnector;
    await expect(connector.start(signal())).rejects.toThrow();
    expect((await connector.health(signal())).ok).toBe(false);

    proxy = await startProxy(port);
    const realNow = Date.now;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 11_000); // past the retry interval
    try {
      expect(await connector.health(signal())).toEqual({ ok: true, documentCount: 0 });
    } finally {
      clock.mockRestore();
    }
    await connector.ingest(fromArray([{ id: 'a', title: 'Late arrival', text: 'the server came back' }]), { signal: signal() });
    const hits = await connector.search({ query: 'server came back', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits.map((hit) => hit.nativeId)).toEqual(['a']);
  });
});
