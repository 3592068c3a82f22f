// npm run bench:http — this server's protocol layer against a bare node:http server returning
// the same bytes, in the same run, both pinned to the same core. Load alternates between the two
// in short rounds so that background load on the machine hits both alike; the ratio is the median
// of the per-round ratios. Options: --rounds N (default 5), --seconds S per round (default 3),
// --warmup S of load on each server first (default 6), --connections N (default 64),
// --log-level L (default warn).
import { parseArgs } from 'node:util';
import type { ChildServer } from '../lib/processes.js';
import { LOAD_CORE, pinLoadGenerator, SERVER_CORE, startBareServer, startOurServer } from '../lib/servers.js';
import { compareServers, printComparison } from '../lib/comparison.js';
import { loadGenerator } from '../lib/load.js';
import { writeResults } from '../lib/results.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '6' },
    connections: { type: 'string', default: '64' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const connections = Number(values.connections);
const HEADERS = { 'content-type': 'application/json' };
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

async function main(): Promise<void> {
  pinLoadGenerator();
  const ours = await startOurServer({ LOG_LEVEL: values['log-level'] });
  let bare: ChildServer | null = null;
  try {
    const sample = await (await fetch(`${ours.url}/mcp`, { method: 'POST', headers: HEADERS, body: TOOLS_LIST })).text();
    bare = await startBareServer(sample);
    const comparison = await compareServers(bare, ours, { body: TOOLS_LIST }, { rounds, seconds, connections, warmupSeconds });
    printComparison(
      `tools/list (${Buffer.byteLength(sample)} B answer), ${connections} connections, ${rounds} alternating rounds of ${seconds} s after ${warmupSeconds} s of warm-up each, servers pinned to core ${SERVER_CORE}, load from ${loadGenerator()} on core ${LOAD_CORE}, LOG_LEVEL=${values['log-level']}`,
      comparison,
    );
    const target = 0.5;
    process.stdout.write(`ratio ${comparison.medianRatio.toFixed(2)}× (target ≥ ${target}×): ${comparison.medianRatio >= target ? 'met' : 'NOT met'}\n`);
    process.stdout.write(
      `written ${writeResults('http', { workload: 'tools/list', loadGenerator: loadGenerator(), logLevel: values['log-level'], connections, roundCount: rounds, seconds, warmupSeconds, ...comparison, target })}\n`,
    );
  } finally {
    await ours.stop();
    await bare?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:http failed: ${(error as Error).stack}\n`);
    process.exitCode = 1;
  });
}
