// A TCP relay in front of the local Postgres that can cut its connections the way a restart,
// a failover or a firewall's idle timeout does when the client never hears of it: the server side
// is closed, the client side stays open, and the client's next write meets a reset.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CutProxy {
  /** A connection string through the relay. */
  url: string;
  /** Connections the relay has accepted so far. */
  readonly accepted: number;
  /** Cuts every open connection without telling the client. */
  cutQuietly(): void;
  /** Refuses connections from now on by resetting each at its first byte (true) or relays again (false). */
  refuseNew(refuse: boolean): void;
  close(): Promise<void>;
}

export async function startCutProxy(upstreamUrl: string): Promise<CutProxy> {
  const target = new URL(upstreamUrl);
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  let accepted = 0;
  let refusing = false;

  const resetOnFirstWrite = (client: net.Socket) => {
    client.removeAllListeners('data');
    client.on('data', () => client.resetAndDestroy());
  };

  const relay = net.createServer((client) => {
    accepted += 1;
    client.on('error', () => undefined);
    if (refusing) return resetOnFirstWrite(client);
    const server = net.connect(Number(target.port || 5432), target.hostname);
    server.on('error', () => client.destroy());
    const pair = { client, server };
    pairs.add(pair);
    client.on('data', (chunk) => server.write(chunk));
    server.on('data', (chunk) => client.write(chunk));
    client.on('close', () => {
      pairs.delete(pair);
      server.destroy();
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as AddressInfo;
  const url = new URL(upstreamUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    get accepted() {
      return accepted;
    },
    cutQuietly() {
      for (const pair of pairs) {
        pairs.delete(pair);
        pair.server.removeAllListeners('data');
        pair.server.destroy();
        resetOnFirstWrite(pair.client);
      }
    },
    refuseNew(refuse) {
      refusing = refuse;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
