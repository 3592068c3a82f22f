// Fail-open, proven on a private redis-server this test starts, kills and restarts on its own
// port (never the machine's shared 6379): traffic keeps being answered throughout.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheLayer, type CacheLayer } from '../../../src/cache/create-cache.js';
import type { CacheOutcome } from '../../../src/cache/observer.js';
import { createSharedState, type SharedState } from '../../../src/shared-state/create-shared-state.js';
import type { StateLogger } from '../../../src/shared-state/logger.js';
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from '../../helpers/redis-server.js';

const available = redisServerAvailable();
if (!available) console.warn('skipping fail-open tests: redis-server is not installed');

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
}

function recordingLogger(lines: LogLine[]): StateLogger {
  const record = (level: LogLine['level']) => (obj: object | string, msg?: string) => {
    lines.push({ level, msg: typeof obj === 'string' ? obj : (msg ?? '') });
  };
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

interface Traffic {
  stop(): Promise<void>;
  outcomes: CacheOutcome[];
  failures: unknown[];
  wrongAnswers: number;
  slowestMs: number;
}

/** Workers asking for a few hot keys in a loop, each answer checked against what it must be. */
function runTraffic(shared: SharedState, layer: CacheLayer, workers = 6): Traffic {
  let running = true;
  const traffic: Traffic = { stop: async () => undefined, outcomes: [], failures: [], wrongAnswers: 0, slowestMs: 0 };
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running; i += 1) {
      const query = `q${(worker + i) % 5}`;
      const started = performance.now();
      try {
        const decision = await shared.rateLimiter.consume('agent');
        await shared.breakers.get('handbook', Date.now());
        const result = await layer.cache.getOrCompute(
          `search:${query}`,
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 2));
            return { query, results: [`${query}-doc`] };
          },
          { ttlMs: 60_000, shouldStore: () => true, sources: ['handbook'], signal: AbortSignal.timeout(5000) },
        );
        if (!decision.allowed || result.value.query !== query || result.value.results[0] !== `${query}-doc`) traffic.wrongAnswers += 1;
        traffic.outcomes.push(result.outcome);
      } catch (error) {
        traffic.failures.push(error);
      }
      traffic.slowestMs = Math.max(traffic.slowestMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  });
  traffic.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return traffic;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('cache fail-open on a private Redis', () => {
  let server: PrivateRedis;
  let shared: SharedState;
  let layer: CacheLayer;
  const logs: LogLine[] = [];
  const degradedEvents: boolean[] = [];

  beforeAll(async () => {
    server = await startPrivateRedis();
    const logger = recordingLogger(logs);
    shared = await createSharedState({
      redisUrl: server.url,
      logger,
      keyPrefix: 'failopen:',
      redis: { commandTimeoutMs: 100, maxReconnectDelayMs: 200, probeIntervalMs: 100 },
      rateLimits: { defaultPolicy: { points: 100_000, durationSec: 60 } },
    });
    expect(await shared.link!.waitUntilReady(3000)).toBe(true);
    // No first tier: every hit below really comes from Redis.
    layer = createCacheLayer({
      link: shared.link,
      logger,
      settings: { keyPrefix: 'failopen:', localTtlMs: 0 },
      observer: { event: () => undefined, degraded: (d) => degradedEvents.push(d) },
    });
  });

  afterAll(async () => {
    await layer?.close();
    await shared?.close();
    await server?.dispose();
  });

  it('keeps answering when Redis is killed mid-traffic, logs the outage once, and uses Redis again after a restart', async () => {
    const warm = runTraffic(shared, layer);
    await pause(300);
    await warm.stop();
    expect(warm.failures).toEqual([]);
    expect(warm.outcomes).toContain('hit');

    const traffic = runTraffic(shared, layer);
    await pause(200);
    await server.kill();
    await waitFor(() => layer.cache.isDegraded(), 2000);
    await pause(500);
    const duringOutage = traffic.outcomes.length;
    expect(layer.cache.status()).toMatchObject({ backend: 'redis', state: 'degraded' });

    await server.start();
    await waitFor(() => !layer.cache.isDegraded(), 5000);
    await pause(300);
    await traffic.stop();

    expect(traffic.failures).toEqual([]);
    expect(traffic.wrongAnswers).toBe(0);
    expect(traffic.slowestMs).toBeLessThan(1000);
    expect(traffic.outcomes.slice(0, duringOutage)).toContain('bypass');
    // The restarted server is empty: misses fill it, then answers come from it again.
    expect(traffic.outcomes.slice(duringOutage)).toContain('hit');
    expect(logs.filter((l) => l.level === 'warn' && l.msg.startsWith('redis down'))).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'info' && l.msg.startsWith('redis reachable again'))).toHaveLength(1);
    expect(degradedEvents.slice(-2)).toEqual([true, false]);
  });

  it('treats a Redis that stops answering (paused) as down, with bounded latency, until it answers again', async () => {
    const warnsBefore = logs.filter((l) => l.level === 'warn').length;
    const admin = new Redis(server.url, { maxRetriesPerRequest: 0 });
    const traffic = runTraffic(shared, layer);
    try {
      await pause(150);
      await admin.call('CLIENT', 'PAUSE', '1200', 'ALL');
      await waitFor(() => layer.cache.isDegraded(), 1500);
      await waitFor(() => !layer.cache.isDegraded(), 5000);
      await pause(200);
    } finally {
      await traffic.stop();
      admin.disconnect();
    }
    expect(traffic.failures).toEqual([]);
    expect(traffic.wrongAnswers).toBe(0);
    // A stalled command costs at most its 100 ms timeout, a few in a row before the link trips.
    expect(traffic.slowestMs).toBeLessThan(800);
    expect(logs.filter((l) => l.level === 'warn').length - warnsBefore).toBe(1);
  });
});
