// The local Postgres loses this service's connections in the middle of traffic
// (pg_terminate_backend on exactly the pool's backends, found by their application_name). The
// service runs in its own process, so a driver error nobody listens for shows up as what it
// would be in production: the server dying. Required: the process survives, answers keep
// coming, only calls in flight around a kill may report postgres as failed, and the pool
// reconnects by itself without the breaker suspending the source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFactory } from '../../../connectors/postgres/index.js';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { buildConnector, DEMO_RUNBOOKS } from '../helpers/connectors.js';
import { callTool, expectNoInternals, type ToolAnswer } from '../helpers/mcp.js';
import { adminClient, dropSchema, postgresUnavailable, terminateBackends, uniqueName, urlWithApplicationName, waitForBackends } from '../helpers/postgres.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { pause, startTraffic, waitUntil } from '../helpers/traffic.js';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`skipping Postgres connection-loss tests: ${unavailable}`);

const WORKERS = 4;
/** A failure must come from a call in flight at a kill, or one that picked a dying connection right after. */
const KILL_WINDOW_MS = 300;

async function* documents(): AsyncGenerator<IngestDocument> {
  for (let i = 1; i <= 30; i += 1) {
    yield { id: `doc-${i}`, title: `Deploy handbook page ${i}`, text: `How to deploy service ${i}, roll back, and page the on-call engineer.` };
  }
}

type Report = { name: string; status: string; error?: string };
const reportOf = (answer: ToolAnswer, name: string): Report | undefined =>
  (answer.result?.structuredContent?.sources as Report[] | undefined)?.find((source) => source.name === name);

describe.skipIf(unavailable !== null)('Postgres connections terminated mid-traffic', () => {
  const schema = uniqueName('kmcp_reliability_conn');
  const applicationName = uniqueName('kmcp_rel_conn');
  const admin = adminClient();
  let service: ServiceProcess;

  beforeAll(async () => {
    // Loaded through a connector of its own (another application_name), then closed.
    const loader = buildConnector(postgresFactory, { name: 'handbook', kind: 'postgres', url: urlWithApplicationName(uniqueName('kmcp_rel_loader')), schema });
    await loader.start(AbortSignal.timeout(30_000));
    await loader.ingest!(documents(), { signal: AbortSignal.timeout(30_000) });
    await loader.close();
    service = await startServiceProcess({
      sources: [
        { name: 'handbook', kind: 'postgres', url: urlWithApplicationName(applicationName), schema, pool_size: WORKERS, timeout_ms: 2000, migrate: false },
        { name: 'runbooks', kind: 'markdown', dir: DEMO_RUNBOOKS },
      ],
      // Connection loss is what this suite observes: a kill plus the calls that pick a dying
      // connection right after can reach the default 5 failures in a row, and a suspended source
      // would hide the errors asserted below. Breakers have their own tests.
      settings: { breaker: { failureThreshold: 1000 } },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await dropSchema(admin, schema).catch(() => undefined);
    await admin.end();
  });

  it('answers the first search after every idle connection was killed (a stale pooled connection is retried)', async () => {
    // Fill the pool with idle connections, kill them all, then ask at once on each of them.
    const warm = await Promise.all(Array.from({ length: WORKERS }, (_, i) => callTool(service.url, 'search_documents', { query: `deploy warm ${i}` })));
    expect(warm.every((answer) => reportOf(answer, 'handbook')?.status === 'ok')).toBe(true);
    expect(await terminateBackends(admin, applicationName)).toBeGreaterThan(0);
    const answers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) => callTool(service.url, 'search_documents', { query: `deploy after idle kill ${i}` })),
    );
    expect(service.alive(), service.output().slice(-2000)).toBe(true);
    for (const answer of answers) {
      expect(reportOf(answer, 'handbook')).toMatchObject({ status: 'ok' });
      expect(answer.result?.structuredContent.partial).toBe(false);
    }
  });

  it('survives the kills, fails only calls around them, and reconnects by itself', async () => {
    const traffic = startTraffic(
      WORKERS,
      (worker, i) =>
        worker === WORKERS - 1
          ? callTool(service.url, 'get_document', { document_id: `handbook:doc-${(i % 30) + 1}` })
          : callTool(service.url, 'search_documents', { query: `deploy service ${worker}-${i}` }),
      2,
    );
    await pause(500);
    const killedAt: number[] = [];
    const killed: number[] = [];
    const reconnected: boolean[] = [];
    for (let round = 0; round < 3 && service.alive(); round += 1) {
      // After a kill the pool reconnects on the next call, which can take a moment (or wait out a
      // breaker suspension): each round kills connections the service made again by itself.
      reconnected.push(await waitForBackends(admin, applicationName, 15_000));
      killedAt.push(traffic.mark(`kill ${round}`));
      killed.push(await terminateBackends(admin, applicationName));
      await pause(500);
    }
    await pause(300);
    await traffic.stop();

    expect(service.alive(), `the server process died:\n${service.output().slice(-2000)}`).toBe(true);
    expect(service.output()).not.toMatch(/uncaught|unhandled/i);
    // The kills hit real backends of this pool, and only of this pool (its own application_name).
    expect(killed.length).toBe(3);
    expect(reconnected).toEqual([true, true, true]);
    expect(killed.every((n) => n > 0)).toBe(true);
    const samples = traffic.samples;
    expect(samples.length).toBeGreaterThan(40);
    const nearKill = (at: number, tookMs: number) => killedAt.some((kill) => at <= kill + KILL_WINDOW_MS && kill <= at + tookMs);
    let failedCalls = 0;
    for (const sample of samples) {
      expect(sample.error).toBeUndefined();
      const answer = sample.value as ToolAnswer;
      expect(answer.status).toBe(200);
      expectNoInternals(answer.text);
      const handbook = reportOf(answer, 'handbook');
      if (handbook === undefined) {
        // get_document reaches only postgres: a failure is a one-line tool error.
        if (answer.result?.isError) {
          failedCalls += 1;
          expect(nearKill(sample.at, sample.tookMs)).toBe(true);
          expect(answer.result.content[0]?.text).toMatch(/^SOURCE_[A-Z]+: source "handbook" failed: postgres is unreachable$/);
        }
        continue;
      }
      expect(answer.result?.isError).toBe(false);
      expect(reportOf(answer, 'runbooks')?.status).toBe('ok');
      if (handbook.status !== 'ok') {
        failedCalls += 1;
        expect(answer.result!.structuredContent.partial).toBe(true);
        expect(handbook).toMatchObject({ status: 'error', error: 'postgres is unreachable' });
        expect(nearKill(sample.at, sample.tookMs)).toBe(true);
      }
    }
    // Per kill, at most the calls in flight on the killed connections plus one retry per worker
    // that picked another connection killed in the same round before the pool noticed.
    expect(failedCalls).toBeLessThanOrEqual(killed.reduce((a, b) => a + b, 0) + WORKERS * killed.length);
    const after = samples.filter((s) => s.at > killedAt.at(-1)! + KILL_WINDOW_MS);
    expect(after.length).toBeGreaterThan(5);
    for (const sample of after) {
      const answer = sample.value as ToolAnswer;
      expect(answer.result?.isError).toBe(false);
      expect(reportOf(answer, 'handbook')?.status ?? 'ok').toBe('ok');
    }
    // New backends: the pool reconnected.
    await waitUntil(
      'pool has reconnected',
      async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows[0].n > 0,
      2000,
    );
  });
});
