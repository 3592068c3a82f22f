// What a slow source costs a whole search: one of three sources delayed far past its timeout
// (honouring its abort signal, or ignoring it), with the breaker held closed and with the default breaker.
import { ScriptedConnector } from '../../connectors/scripted/index.js';
import { createFederation } from '../../src/federation/federation.js';
import { InstantConnector } from './overhead.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const anyone = { keyName: null, allowedSources: null, requestId: 'bench' };

export interface TimeoutScenario {
  scenario: string;
  timeoutMs: number;
  calls: number;
  p50Ms: number;
  maxMs: number;
  /** Median time beyond the slow source's timeout. */
  excessP50Ms: number;
  statuses: Record<string, number>;
}

async function run(label: string, options: { ignoreAbort: boolean; breakerThreshold: number; calls: number; timeoutMs: number }): Promise<TimeoutScenario> {
  const slow = new ScriptedConnector({
    name: 'slow',
    documents: [{ id: 's1', title: 'slow one' }],
    behaviour: { delayMs: 5000, ignoreAbort: options.ignoreAbort },
  });
  const sources = [new InstantConnector('alpha'), slow, new InstantConnector('gamma')];
  const service = createFederation({
    sources: sources.map((connector) => ({
      connector,
      config: { weight: 1, timeout_ms: connector === slow ? options.timeoutMs : 2000, max_concurrency: 64 },
    })),
    settings: { cursorSecret: 'bench', breaker: { failureThreshold: options.breakerThreshold }, abortGraceMs: 100 },
    logger: silent,
  });
  const durations: number[] = [];
  const statuses: Record<string, number> = {};
  for (let index = 0; index < options.calls; index += 1) {
    const started = performance.now();
    const output = await service.search({ query: `query ${index}`, limit: 10 }, anyone, new AbortController().signal);
    durations.push(performance.now() - started);
    const status = output.sources.find((source) => source.name === 'slow')?.status ?? 'missing';
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)]!;
  return {
    scenario: label,
    timeoutMs: options.timeoutMs,
    calls: options.calls,
    p50Ms: p50,
    maxMs: sorted.at(-1)!,
    excessP50Ms: p50 - options.timeoutMs,
    statuses,
  };
}

export async function measureTimeouts(): Promise<TimeoutScenario[]> {
  const timeoutMs = 250;
  return [
    await run('delayed 5 s, honours abort, breaker off', { ignoreAbort: false, breakerThreshold: 1e9, calls: 20, timeoutMs }),
    await run('delayed 5 s, ignores abort, breaker off', { ignoreAbort: true, breakerThreshold: 1e9, calls: 20, timeoutMs }),
    await run('delayed 5 s, default breaker (5 failures)', { ignoreAbort: false, breakerThreshold: 5, calls: 20, timeoutMs }),
  ];
}
