// A client that goes away mid-call: the backend work for it is cancelled, and a keep-alive
// connection's requests (which share one abort signal) neither leak listeners nor cancel each other.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { startAssembledService, sourceConfig, type AssembledService } from '../helpers/service.js';
import { waitUntil } from '../helpers/traffic.js';

const documents = [{ id: 'deploy', title: 'Deploy guide', text: 'How to deploy and roll back.' }];
const call = (id: number, query: string) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'search_documents', arguments: { query } } });

function post(agent: http.Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/mcp`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('clients that go away', () => {
  let service: AssembledService;
  let slow: ScriptedConnector;
  let quick: ScriptedConnector;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

  beforeAll(async () => {
    slow = new ScriptedConnector({ name: 'slow', ranking: 'match', documents, behaviour: { delayMs: 5000 } });
    quick = new ScriptedConnector({ name: 'quick', ranking: 'match', documents });
    service = await startAssembledService({
      sources: [
        { connector: slow, config: sourceConfig({ timeout_ms: 10_000 }) },
        { connector: quick, config: sourceConfig() },
      ],
      settings: { deadlineMs: 10_000 },
    });
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await service?.close();
  });

  it('cancels the backend work of a call whose client disconnects', async () => {
    const before = slow.callsOf('search').length;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const pending = post(agent, service.url, call(1, 'deploy')).catch((error: Error) => error);
    await waitUntil('the slow source is asked', () => slow.callsOf('search').length > before, 2000);
    agent.destroy();
    expect(await pending).toBeInstanceOf(Error);
    await waitUntil('the slow call ends', () => slow.callsOf('search')[before]?.outcome !== 'pending', 2000);
    const seen = slow.callsOf('search')[before]!;
    expect(seen.outcome).toBe('cancelled');
    expect(seen.abortSeen).toBe(true);
  });

  it('answers hundreds of calls on one keep-alive connection with no listener build-up, none cancelled', async () => {
    slow.queueBehaviours(...Array.from({ length: 400 }, () => ({ delayMs: 1 })));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 400; i += 1) {
        const answer = await post(agent, service.url, call(i, `deploy ${i}`));
        expect(answer.status).toBe(200);
        const result = JSON.parse(answer.text).result;
        expect(result.isError).toBe(false);
        expect(result.structuredContent.partial).toBe(false);
      }
    } finally {
      agent.destroy();
    }
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    expect(
      slow
        .callsOf('search')
        .slice(-400)
        .every((c) => c.outcome === 'completed'),
    ).toBe(true);
  });
});
