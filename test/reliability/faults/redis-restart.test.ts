// The whole service on a Redis this test started itself (never the shared 6379), killed and
// restarted in the middle of traffic: cache, shared breakers and per-key rate limits all live in
// it. Required: no request fails, latency stays bounded, /readyz says the cache is degraded
// while it is, and the service uses Redis again after the restart without being restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from '../../helpers/redis-server.js';
import { callTool, expectNoInternals, type ToolAnswer } from '../helpers/mcp.js';
import { startRuntimeService, type RuntimeService } from '../helpers/service.js';
import { pause, startTraffic, waitUntil } from '../helpers/traffic.js';

const available = redisServerAvailable();
if (!available) console.warn('skipping Redis restart tests: redis-server is not installed');

const KEY = 'reliability-redis-key-0123456789';
const docs = [
  { id: 'deploy', title: 'Deploy guide', text: 'How to deploy and roll back.' },
  { id: 'oncall', title: 'On-call', text: 'Who to page during a deploy.' },
];
const CONFIG = {
  sources: [
    { name: 'handbook', kind: 'scripted', ranking: 'match', documents: docs },
    { name: 'broken', kind: 'scripted', ranking: 'match', fail_message: 'upstream answered HTTP 503', documents: docs },
  ],
};

type Report = { name: string; status: string };
const reportOf = (answer: ToolAnswer, name: string): Report | undefined =>
  (answer.result?.structuredContent?.sources as Report[] | undefined)?.find((source) => source.name === name);

async function readiness(url: string): Promise<{ status: number; degraded: boolean }> {
  // The cache's state is detail: /readyz shows it to a caller with a key.
  const response = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${KEY}` } });
  const body = (await response.json()) as { cache: { degraded: boolean } };
  return { status: response.status, degraded: body.cache.degraded };
}

describe.skipIf(!available)('Redis killed and restarted mid-traffic', () => {
  let redis: PrivateRedis;
  let service: RuntimeService;
  const headers = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    service = await startRuntimeService({ config: CONFIG, env: { REDIS_URL: redis.url, API_KEYS: `agent:${KEY}`, RATE_LIMIT_PER_MINUTE: '1000000' } });
    await waitUntil('cache on Redis', async () => !(await readiness(service.url)).degraded, 5000);
  });
  afterAll(async () => {
    await service?.close();
    await redis?.dispose();
  });

  it('answers every request through the outage and uses Redis again after the restart', async () => {
    // Warm: the first calls pay for JIT and connections; these also trip `broken`'s breaker.
    for (let i = 0; i < 8; i += 1) await callTool(service.url, 'search_documents', { query: `deploy warm ${i}` }, headers);
    // Half the traffic repeats a few queries (cache hits), half is new (fan-out + store).
    const traffic = startTraffic(4, (worker, i) =>
      callTool(service.url, 'search_documents', { query: worker % 2 === 0 ? `deploy ${i % 3}` : `deploy ${worker}-${i}` }, headers),
    );
    await pause(700);
    traffic.mark('killed');
    await redis.kill();
    await waitUntil(
      '/readyz reports the cache degraded',
      async () => {
        const ready = await readiness(service.url);
        expect(ready.status).toBe(200);
        return ready.degraded;
      },
      5000,
    );
    await pause(1000);
    traffic.mark('restarted');
    await redis.start();
    await waitUntil('/readyz reports the cache back', async () => !(await readiness(service.url)).degraded, 10_000);
    const backAt = traffic.mark('back');
    await pause(800);
    await traffic.stop();

    const samples = traffic.samples;
    expect(samples.length).toBeGreaterThan(30);
    for (const sample of samples) {
      expect(sample.error).toBeUndefined();
      const answer = sample.value as ToolAnswer;
      expect(answer.status).toBe(200);
      expect(answer.result?.isError).toBe(false);
      expectNoInternals(answer.text);
      expect(reportOf(answer, 'handbook')?.status).toBe('ok');
      expect(['error', 'suspended']).toContain(reportOf(answer, 'broken')?.status);
      // A dead Redis costs at most its bounded command timeouts, never a hang.
      expect(sample.tookMs).toBeLessThan(1500);
    }
    // Only partial answers here (one source always fails), so what the cache proves is the
    // shared breaker: it suspended `broken` before the outage and again after the restart.
    const killedAt = traffic.marks.get('killed')!;
    const before = samples.filter((s) => s.at < killedAt);
    const after = samples.filter((s) => s.at > backAt + 200);
    expect(before.some((s) => reportOf(s.value as ToolAnswer, 'broken')?.status === 'suspended')).toBe(true);
    expect(after.length).toBeGreaterThan(5);
    expect(after.some((s) => reportOf(s.value as ToolAnswer, 'broken')?.status === 'suspended')).toBe(true);
    // Counted once Redis is back for good, so a recovery still in flight is not missed.
    await waitUntil('cache on Redis', async () => !(await readiness(service.url)).degraded, 10_000);
    const messages = service.logs.records().map((r) => r.msg ?? '');
    expect(messages.filter((m) => m.startsWith('redis down'))).toHaveLength(1);
    expect(messages.filter((m) => m.startsWith('redis reachable again'))).toHaveLength(1);
  });

  it('serves cached answers from Redis again after the restart', async () => {
    await waitUntil('cache on Redis', async () => !(await readiness(service.url)).degraded, 10_000);
    const first = await callTool(service.url, 'search_documents', { query: 'deploy cached after restart', sources: ['handbook'] }, headers);
    expect(first.result?.structuredContent).toMatchObject({ partial: false, cached: false });
    const second = await callTool(service.url, 'search_documents', { query: 'deploy cached after restart', sources: ['handbook'] }, headers);
    expect(second.result?.structuredContent.cached).toBe(true);
  });
});
