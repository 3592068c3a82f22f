// SIGTERM on the real process: requests in flight finish, new connections are refused, exit 0.
import { describe, expect, it } from 'vitest';
import { hasBuild, spawnServer } from '../../helpers/spawn-server.js';

const slowSource = {
  sources: [
    {
      name: 'slow',
      kind: 'scripted',
      ranking: 'fixed',
      delay_ms: 1200,
      timeout_ms: 5000,
      documents: [{ id: 'a', title: 'Slow answer', text: 'it takes a while' }],
    },
  ],
  search: { deadline_ms: 8000 },
};

const searchBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'slow' } } });

describe.skipIf(!hasBuild)(`graceful shutdown${hasBuild ? '' : ' (skipped: run npm run build first)'}`, () => {
  it('finishes the request in flight, refuses new ones and exits 0', async () => {
    // No drain here (test/reliability/faults/shutdown-drain.test.ts covers it): the listener closes at once.
    const server = await spawnServer({ config: slowSource, env: { SHUTDOWN_TIMEOUT_MS: '8000', SHUTDOWN_DRAIN_MS: '0' } });
    const inFlight = fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: searchBody });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { result: { structuredContent: { results: Array<{ title: string }> } } };
    expect(answer.result.structuredContent.results[0]?.title).toBe('Slow answer');
    expect(await server.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(8000);
    expect(server.output()).toMatch(/shutting down/);
  });

  it('exits 0 at once on SIGINT when idle', async () => {
    const server = await spawnServer({ config: slowSource });
    const started = Date.now();
    expect(await server.stop('SIGINT')).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
