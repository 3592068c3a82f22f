// npm run bench:http — this server's protocol layer against a bare node:http server returning
// the same bytes, measured in the same run, each pinned to the same core.
// Options: --duration S (default 10), --connections N (default 64).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startChildServer, type ChildServer } from '../lib/processes.js';
import { printTable, runLoad, type LoadFigures } from '../lib/load.js';
import { writeResults } from '../lib/results.js';
import { measureSequential, type SequentialFigures } from '../lib/sequential.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' } } });
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const SERVER_CORE = 1;

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const HEADERS = { 'content-type': 'application/json' };

async function measure(server: ChildServer, body: string): Promise<{ c64: LoadFigures; c1: SequentialFigures }> {
  const target = `${server.url}/mcp`;
  await runLoad({ url: target, connections, durationSeconds: 2, headers: HEADERS, body }); // warm-up
  const c64 = await runLoad({ url: target, connections, durationSeconds, headers: HEADERS, body });
  const c1 = await measureSequential(target, { body, requests: 3000 });
  return { c64, c1 };
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'kmcp-bench-http-'));
  const ourPort = await freePort();
  const ours = await startChildServer({
    core: SERVER_CORE,
    args: ['dist/src/cli.js', 'serve'],
    env: { PORT: String(ourPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: path.join(workDir, 'data') },
    port: ourPort,
  });
  let oursFigures;
  let sample: string;
  try {
    const response = await fetch(`${ours.url}/mcp`, { method: 'POST', headers: HEADERS, body: TOOLS_LIST });
    sample = await response.text();
    oursFigures = await measure(ours, TOOLS_LIST);
  } finally {
    await ours.stop();
  }
  const bodyFile = path.join(workDir, 'body.json');
  writeFileSync(bodyFile, sample);
  const barePort = await freePort();
  const bare = await startChildServer({ core: SERVER_CORE, args: ['bench/lib/bare-server.mjs', String(barePort), bodyFile], env: {}, port: barePort });
  let bareFigures;
  try {
    bareFigures = await measure(bare, TOOLS_LIST);
  } finally {
    await bare.stop();
  }
  const ratio = oursFigures.c64.requestsPerSecond / bareFigures.c64.requestsPerSecond;
  printTable(
    `tools/list (${Buffer.byteLength(sample)} B answer), ${connections} connections, ${durationSeconds} s, servers pinned to core ${SERVER_CORE}`,
    ['server', 'req/s', 'p50 ms', 'p99 ms', 'p50 ms @1 conn', 'errors', 'ratio'],
    [
      ['bare node:http (ceiling)', bareFigures.c64.requestsPerSecond, bareFigures.c64.p50Ms, bareFigures.c64.p99Ms, bareFigures.c1.p50Ms.toFixed(3), bareFigures.c64.errors + bareFigures.c64.non2xx, '1.00×'],
      ['knowledge-mcp', oursFigures.c64.requestsPerSecond, oursFigures.c64.p50Ms, oursFigures.c64.p99Ms, oursFigures.c1.p50Ms.toFixed(3), oursFigures.c64.errors + oursFigures.c64.non2xx, `${ratio.toFixed(2)}×`],
    ],
  );
  const target = 0.5;
  process.stdout.write(`\nratio ${ratio.toFixed(2)}× (target ≥ ${target}×): ${ratio >= target ? 'met' : 'NOT met'}\n`);
  const file = writeResults('http', { workload: 'tools/list', connections, durationSeconds, bare: bareFigures, ours: oursFigures, ratio, target });
  process.stdout.write(`written ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:http failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
