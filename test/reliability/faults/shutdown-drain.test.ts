// SIGTERM on the built server (`node dist/src/cli.js serve`, as the image runs it): requests that
// reach the instance around the signal are all answered. It first reports not ready, keeps
// accepting for SHUTDOWN_DRAIN_MS (default 5 s) so a load balancer can take it out of rotation,
// then closes the listener, finishes what it accepted and exits 0. Ctrl-C (SIGINT) skips the drain.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { hasBuild, spawnServer } from '../../helpers/spawn-server.js';

const CONFIG = {
  sources: [
    {
      name: 'handbook',
      kind: 'scripted',
      ranking: 'match',
      delay_ms: 50,
      documents: [{ id: 'deploy', title: 'How we deploy', text: 'Every deploy goes through the pipeline.' }],
    },
  ],
};

const searchBody = (query: string) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_documents', arguments: { query } } });

/** One search on a connection of its own (no pooling): what 40 separate agents would send. */
function searchOnNewConnection(url: string, query = 'deploy'): Promise<{ status: number; body: string } | { error: string }> {
  const SEARCH = searchBody(query);
  return new Promise((resolve) => {
    const request = http.request(
      `${url}/mcp`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(SEARCH) } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', (error) => resolve({ error: error.message }));
      },
    );
    request.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    request.setTimeout(15_000, () => request.destroy(new Error('timed out')));
    request.end(SEARCH);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasBuild)(`shutdown drain${hasBuild ? '' : ' (skipped: run npm run build first)'}`, () => {
  it('answers all of 40 searches sent 5 ms before SIGTERM, then exits 0', async () => {
    // The demo (embedded Postgres and a markdown folder, in-process): searches keep the event
    // loop busy, so most of the 40 connections still wait in the listen backlog at the signal.
    const server = await spawnServer();
    const searches = Array.from({ length: 40 }, (_, i) => searchOnNewConnection(server.url, `deploy rollback ${i}`));
    await sleep(5);
    server.child.kill('SIGTERM');
    const answers = await Promise.all(searches);
    const answered = answers.filter((answer) => 'status' in answer && answer.status === 200 && answer.body.includes('"isError":false'));
    expect(answered.length, JSON.stringify(answers.filter((answer) => !answered.includes(answer)).slice(0, 3))).toBe(40);
    expect(await server.exited).toBe(0);
  }, 120_000);

  it('reports not ready at once, keeps answering during the drain, then refuses connections and exits 0', async () => {
    const server = await spawnServer({ config: CONFIG, env: { SHUTDOWN_DRAIN_MS: '1500' } });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    await sleep(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const during = await searchOnNewConnection(server.url);
    expect(during).toMatchObject({ status: 200 });
    await sleep(1800);
    expect(await searchOnNewConnection(server.url)).toMatchObject({ error: 'ECONNREFUSED' });
    expect(await server.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1500);
    expect(server.output()).toMatch(/draining/);
  }, 120_000);

  it('skips the drain on SIGINT (Ctrl-C in a terminal) and exits 0 at once', async () => {
    const server = await spawnServer({ config: CONFIG });
    const started = Date.now();
    expect(await server.stop('SIGINT')).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  }, 120_000);
});
