#!/usr/bin/env node
// Runs the official MCP conformance suite (pinned) against our server in both protocol eras,
// classifies every scenario as passed / failed / fixture-only and exits non-zero only when a
// scenario that a real server can pass fails. Usage: `npm run test:conformance -- --help`.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = join(ROOT, '.tools');
const CONFORMANCE_VERSION = '0.2.0-alpha.12';
const INSPECTOR_VERSION = '2.12.0';
const NODE_MAJOR = 22;
const NODE_MIN = [22, 19, 0]; // the suite and the Inspector declare engines node >= 22.19
const ERAS = ['2025-11-25', '2026-07-28'];
const OUR_TOOLS = ['search_documents', 'get_document', 'list_sources'];
const RESULTS = join(ROOT, 'bench', 'results', 'conformance');

// ---------------------------------------------------------------------------------------------
// Scenarios that only the suite's own reference server can pass: they call tools, prompts or
// resources that exist only in that fixture (`test_*`, `test://…`, `greet`, `slow_compute`, …).
// A real server fails them by construction. They still run and are shown; their failures never
// fail this script, except `wire-schema-valid` (a malformed message from us is our bug anywhere).
const FIXTURE_ONLY = {
  'tools-call-simple-text': 'calls fixture tool test_simple_text',
  'tools-call-image': 'calls fixture tool test_image_content',
  'tools-call-audio': 'calls fixture tool test_audio_content',
  'tools-call-embedded-resource': 'calls fixture tool test_embedded_resource',
  'tools-call-mixed-content': 'calls fixture tool test_multiple_content_types',
  'tools-call-error': 'calls fixture tool test_error_handling',
  'tools-call-with-progress': 'calls fixture tool test_tool_with_progress',
  'tools-call-with-logging': 'calls fixture tool test_tool_with_logging',
  'tools-call-sampling': 'calls fixture tool test_sampling (server-to-client sampling)',
  'tools-call-elicitation': 'calls fixture tool test_elicitation',
  'elicitation-sep1034-defaults': 'calls fixture tool test_elicitation_sep1034_defaults',
  'elicitation-sep1330-enums': 'calls fixture tool test_elicitation_sep1330_enums',
  'completion-complete': 'completes fixture prompt test_prompt_with_arguments',
  'prompts-get-simple': 'gets fixture prompt test_simple_prompt',
  'prompts-get-with-args': 'gets fixture prompt test_prompt_with_arguments',
  'prompts-get-embedded-resource': 'gets fixture prompt test_prompt_with_embedded_resource',
  'prompts-get-with-image': 'gets fixture prompt test_prompt_with_image',
  'resources-read-text': 'reads fixture resource test://static-text',
  'resources-read-binary': 'reads fixture resource test://static-binary',
  'resources-templates-read': 'reads fixture template test://template/{id}/data',
  'resources-subscribe': 'subscribes to fixture resource test://watched-resource',
  'resources-unsubscribe': 'unsubscribes from fixture resource test://watched-resource',
  'json-schema-2020-12': 'lists fixture tool json_schema_2020_12_tool (not scored, pending)',
  'http-custom-header-server-validation': 'needs a tool with x-mcp-header params (not scored, pending)',
  // SEP-2322 multi-round-trip results: every probe calls a test_input_required_result_* tool
  // (or, for non-tool-request, a fixture prompt).
  'input-required-result-basic-elicitation': 'calls fixture tool test_input_required_result_elicitation',
  'input-required-result-basic-sampling': 'calls fixture tool test_input_required_result_sampling',
  'input-required-result-basic-list-roots': 'calls fixture tool test_input_required_result_list_roots',
  'input-required-result-request-state': 'calls fixture tool test_input_required_result_request_state',
  'input-required-result-multiple-input-requests': 'calls fixture tool test_input_required_result_multiple_inputs',
  'input-required-result-multi-round': 'calls fixture tool test_input_required_result_multi_round',
  'input-required-result-non-tool-request': 'gets a fixture prompt that returns InputRequiredResult',
  'input-required-result-result-type': 'calls fixture tool test_input_required_result_elicitation',
  'input-required-result-tampered-state': 'needs the request-state fixture tool first',
  'input-required-result-capability-check': 'calls fixture tool test_input_required_result_capabilities',
  // Tasks extension (SEP-2663, not scored): fixture tools greet / slow_compute / failing_job.
  'tasks-lifecycle': 'tasks extension with fixture tools (not scored)',
  'tasks-capability-negotiation': 'tasks extension (not scored)',
  'tasks-wire-fields': 'tasks extension with fixture tools (not scored)',
  'tasks-request-state-removal': 'tasks extension with fixture tools (not scored)',
  'tasks-mrtr-input': 'tasks extension with fixture tools (not scored)',
  'tasks-request-headers': 'tasks extension with fixture tools (not scored)',
  'tasks-dispatch-and-envelope': 'tasks extension with fixture tools (not scored)',
  'tasks-status-notifications': 'tasks extension with fixture tools (not scored)',
  'tasks-required-task-error': 'tasks extension with fixture tools (not scored)',
  'tasks-mrtr-composition': 'tasks extension with fixture tools (not scored)',
};

// Single checks inside otherwise generic scenarios that probe a fixture tool; the suite reports
// them as "Not testable" FAILUREs when the tool is absent.
const FIXTURE_CHECKS = {
  'server-stateless': {
    'sep-2575-server-rejects-undeclared-capability': 'calls fixture tool test_missing_capability',
    'sep-2575-missing-capability-http-400': 'calls fixture tool test_missing_capability',
    'sep-2575-http-server-no-independent-requests-on-stream': 'calls fixture tool test_streaming_elicitation',
    'sep-2575-server-no-log-without-loglevel': 'calls fixture tool test_logging_tool',
  },
};

// Optional protocol features this server deliberately does not offer. Empty on purpose: add a
// scenario here only with the reason, and say so in the README (docs/readme/conformance.md).
const OUT_OF_SCOPE = {};

// Synthetic check about the suite's own messages, never about the server under test.
const HARNESS_CHECKS = new Set(['wire-schema-harness-error']);
// ---------------------------------------------------------------------------------------------

const HELP = `Usage: npm run test:conformance -- [options]

Runs @modelcontextprotocol/conformance@${CONFORMANCE_VERSION} (server side) under Node >= 22.19
against our MCP endpoint, once per protocol era, and prints one table.

Options:
  --url URL         test a running server instead of starting dist/src/cli.js serve
                    (use a 127.0.0.1/localhost URL: the DNS-rebinding scenario needs one)
  --era ERA         only this era (2025-11-25 or 2026-07-28); repeatable; default both
  --no-build        don't run \`npm run build\` before starting the server
  --inspector       also run the MCP Inspector CLI: over HTTP (our ${OUR_TOOLS.length} tools listed) and
                    over stdio (it launches \`knowledge-mcp stdio\`, lists the tools and runs a search)
  --no-suite        skip the conformance suite (useful with --inspector)
  --verbose         stream the suite's and the server's output
  -h, --help        this text

Results: bench/results/conformance/<run>/<era>/server-<scenario>-*/checks.json and
bench/results/conformance/<run>/summary.json. Exit 1 when a non-fixture scenario fails.`;

function parseArgs(argv) {
  const opts = { url: undefined, eras: [], build: true, inspector: false, suite: true, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--url') opts.url = value();
    else if (a === '--era') opts.eras.push(value());
    else if (a === '--no-build') opts.build = false;
    else if (a === '--inspector') opts.inspector = true;
    else if (a === '--no-suite') opts.suite = false;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${HELP}\n`);
      process.exit(0);
    } else fail(`unknown option ${a} (see --help)`);
  }
  for (const era of opts.eras) if (!ERAS.includes(era)) fail(`--era must be one of ${ERAS.join(', ')}`);
  if (opts.eras.length === 0) opts.eras = [...ERAS];
  if (opts.url !== undefined) {
    try {
      new URL(opts.url);
    } catch {
      fail(`--url is not a URL: ${opts.url}`);
    }
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

function log(message) {
  process.stdout.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Tool chain under .tools/ (git-ignored): a Node >= 22.19 binary and the pinned suite.

function versionOf(nodeBin) {
  const r = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(r.stdout.trim());
  return m ? m.slice(1).map(Number) : undefined;
}

function atLeast(v, min) {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i] > min[i];
  return true;
}

function nodePackageName() {
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
  if (platform === undefined) fail(`no bundled Node for ${process.platform}; run this script with Node >= 22.19`);
  return `node-${platform}-${process.arch}`;
}

function npmInstall(specs) {
  mkdirSync(TOOLS, { recursive: true });
  log(`Installing into .tools/: ${specs.join(' ')}`);
  // npm is a script: run it with the Node that runs us, so PATH quirks don't matter.
  const r = spawnSync('npm', ['install', '--prefix', TOOLS, '--save-exact', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) fail(`npm install ${specs.join(' ')} failed (exit ${r.status})`);
}

function ensureToolchain() {
  const missing = [];
  const bundled = join(TOOLS, 'node_modules', nodePackageName(), 'bin', 'node');
  let nodeBin;
  if (existsSync(bundled) && atLeast(versionOf(bundled) ?? [0, 0, 0], NODE_MIN)) nodeBin = bundled;
  else if (atLeast(process.versions.node.split('.').map(Number), NODE_MIN)) nodeBin = process.execPath;
  else missing.push(`${nodePackageName()}@${NODE_MAJOR}`);

  const suitePkg = join(TOOLS, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json');
  const suiteVersion = existsSync(suitePkg) ? JSON.parse(readFileSync(suitePkg, 'utf8')).version : undefined;
  if (suiteVersion !== CONFORMANCE_VERSION) missing.push(`@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`);

  if (missing.length > 0) npmInstall(missing);
  if (nodeBin === undefined) {
    nodeBin = bundled;
    const v = versionOf(nodeBin);
    if (v === undefined || !atLeast(v, NODE_MIN)) fail(`${relative(ROOT, bundled)} does not run or is older than ${NODE_MIN.join('.')}`);
  }
  const suiteBin = join(TOOLS, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  if (!existsSync(suiteBin)) fail(`conformance suite missing after install: ${relative(ROOT, suiteBin)}`);
  return { nodeBin, suiteBin, nodeVersion: versionOf(nodeBin).join('.') };
}

// ---------------------------------------------------------------------------------------------
// Our server: build, start on a free loopback port with no API keys, always stop.

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function build() {
  log('Building (npm run build)…');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const cli = join(ROOT, 'dist', 'src', 'cli.js');
  if (r.status !== 0) {
    // tsc still emits on type errors; a stale-but-present build is better than no run, but say so.
    if (!existsSync(cli)) fail('npm run build failed and dist/src/cli.js does not exist');
    log(`WARNING: npm run build exited ${r.status}; testing the JavaScript it emitted anyway`);
  }
}

async function waitUntilUp(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      // Any HTTP answer means the listener is up; /healthz exists per DESIGN §8.
      await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return false;
}

async function startServer(runDir, verbose) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  delete env.API_KEYS; // loopback without keys: the suite cannot authenticate
  env.LOG_LEVEL ??= 'warn';
  const logPath = join(runDir, 'server.log');
  const logFile = createWriteStream(logPath);
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(logFile, { end: false });
    if (verbose) stream.pipe(process.stderr, { end: false });
  }
  // Last resort if this script dies without running its cleanup (e.g. process.exit in fail()).
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const up = await waitUntilUp(baseUrl, child, 90_000);
  const stop = () => stopServer(child, logFile);
  if (!up) {
    await stop();
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
    fail(`server did not come up on ${baseUrl} (log: ${relative(ROOT, logPath)})\n${tail}`);
  }
  log(`Server up: ${baseUrl}/mcp (pid ${child.pid}, log ${relative(ROOT, logPath)})`);
  return { url: `${baseUrl}/mcp`, stop };
}

function stopServer(child, logFile) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      logFile.end();
      resolve();
      return;
    }
    // SIGTERM drains in-flight requests (DESIGN §8: 10 s max); then insist.
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      logFile.end();
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// Suite run and classification.

function runSuite(toolchain, url, era, outDir, verbose) {
  return new Promise((resolve) => {
    mkdirSync(outDir, { recursive: true });
    const logFile = createWriteStream(join(outDir, 'suite-output.txt'));
    const args = [toolchain.suiteBin, 'server', '--url', url, '--requirements', era, '-o', outDir];
    const child = spawn(toolchain.nodeBin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipe(logFile, { end: false });
      if (verbose) stream.pipe(process.stdout, { end: false });
    }
    // Whole-era bound: the suite's own per-scenario timeout is 30 s, ~60 scenarios.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20 * 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      logFile.end();
      resolve({ code, signal });
    });
  });
}

// server-<scenario>-<ISO timestamp with : and . replaced by ->
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

function readResults(outDir) {
  const byScenario = new Map();
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    const m = entry.isDirectory() ? RESULT_DIR.exec(entry.name) : null;
    if (!m) continue;
    const file = join(outDir, entry.name, 'checks.json');
    let checks;
    try {
      checks = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      checks = undefined; // missing or unreadable: the scenario crashed or timed out
    }
    byScenario.set(m[1], { dir: join(outDir, entry.name), checks });
  }
  return byScenario;
}

async function requiredScenarios(era) {
  // The frozen requirement set decides what is scored; not_scored entries still run.
  const { parse } = await import('yaml');
  const file = join(TOOLS, 'node_modules', '@modelcontextprotocol', 'conformance', 'requirements', `${era}.yaml`);
  const doc = parse(readFileSync(file, 'utf8'));
  const scored = new Set(doc.server ?? []);
  const notScored = new Map((doc.not_scored ?? []).filter((e) => e.leg === 'server').map((e) => [e.scenario, e.reason]));
  return { scored, notScored };
}

function classify(scenario, result) {
  const fixtureReason = FIXTURE_ONLY[scenario];
  const outOfScope = OUT_OF_SCOPE[scenario];
  const checks = result?.checks;
  if (!Array.isArray(checks) || checks.length === 0) {
    if (fixtureReason) return { verdict: 'fixture-only', note: fixtureReason, counts: '-' };
    if (outOfScope) return { verdict: 'out-of-scope', note: outOfScope, counts: '-' };
    if (Array.isArray(checks)) return { verdict: 'passed', note: 'no checks emitted', counts: '0/0' };
    return { verdict: 'failed', note: result ? 'no checks.json (crashed or timed out)' : 'did not run', counts: '-' };
  }
  const count = (s) => checks.filter((c) => c.status === s).length;
  const counts = `${count('SUCCESS')}/${count('SUCCESS') + count('FAILURE')}${count('WARNING') ? ` ${count('WARNING')}w` : ''}`;
  const failures = checks.filter((c) => c.status === 'FAILURE' && !HARNESS_CHECKS.has(c.id));
  const ours = failures.filter((c) => c.id === 'wire-schema-valid');
  if (ours.length > 0) return { verdict: 'failed', note: `wire-schema-valid: ${firstLine(ours[0].errorMessage)}`, counts };
  if (failures.length === 0) {
    const warn = checks.find((c) => c.status === 'WARNING');
    return { verdict: 'passed', note: warn ? `warning ${warn.id}` : '', counts };
  }
  if (fixtureReason) return { verdict: 'fixture-only', note: fixtureReason, counts };
  if (outOfScope) return { verdict: 'out-of-scope', note: outOfScope, counts };
  const excused = FIXTURE_CHECKS[scenario] ?? {};
  const real = failures.filter((c) => !(c.id in excused));
  if (real.length === 0) {
    return { verdict: 'passed', note: `${failures.length} fixture-only check(s): ${[...new Set(failures.map((c) => excused[c.id]))].join('; ')}`, counts };
  }
  return { verdict: 'failed', note: `${real[0].id}: ${firstLine(real[0].errorMessage)}`, counts };
}

function firstLine(text) {
  return String(text ?? '')
    .split('\n')[0]
    .slice(0, 160);
}

// ---------------------------------------------------------------------------------------------
// MCP Inspector CLI: independent client, must list our three tools.

function runInspector(toolchain, url) {
  // npx picks `node` from PATH; put the >= 22.19 binary first (the Inspector's engines field).
  const env = { ...process.env, PATH: `${dirname(toolchain.nodeBin)}:${process.env.PATH ?? ''}` };
  const args = ['-y', `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`, '--cli', url, '--method', 'tools/list'];
  log(`Inspector: npx ${args.join(' ')}`);
  const r = spawnSync('npx', args, { cwd: ROOT, env, encoding: 'utf8', timeout: 5 * 60_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) return { ok: false, note: `exit ${r.status}: ${firstLine(r.stderr || r.stdout)}` };
  let names;
  try {
    names = JSON.parse(r.stdout).tools.map((t) => t.name);
  } catch {
    return { ok: false, note: `unparsable output: ${firstLine(r.stdout)}` };
  }
  const absent = OUR_TOOLS.filter((t) => !names.includes(t));
  return absent.length === 0
    ? { ok: true, note: `lists ${names.join(', ')}` }
    : { ok: false, note: `missing ${absent.join(', ')} (got ${names.join(', ') || 'none'})` };
}

// The same Inspector CLI launching `knowledge-mcp stdio` itself (the stdio transport): it must
// list our tools and run a search. One markdown source keeps the launch quick.
function runInspectorStdio(toolchain, runDir) {
  const env = { ...process.env, PATH: `${dirname(toolchain.nodeBin)}:${process.env.PATH ?? ''}` };
  const server = [
    '-e',
    `WIKI_DIR=${join(ROOT, 'demo', 'runbooks')}`,
    '-e',
    `DATA_DIR=${join(runDir, 'stdio-data')}`,
    toolchain.nodeBin,
    join(ROOT, 'dist', 'src', 'cli.js'),
    'stdio',
  ];
  const inspect = (method) => {
    // A generous connect timeout: the launch includes starting the sources on a possibly busy machine.
    const args = ['-y', `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`, '--cli', '--connect-timeout', '120000', ...server, ...method];
    log(`Inspector (stdio): npx ${args.join(' ')}`);
    return spawnSync('npx', args, { cwd: ROOT, env, encoding: 'utf8', timeout: 5 * 60_000, maxBuffer: 16 << 20 });
  };
  const listed = inspect(['--method', 'tools/list']);
  if (listed.status !== 0) return { ok: false, note: `tools/list exit ${listed.status}: ${firstLine(listed.stderr || listed.stdout)}` };
  let names;
  try {
    names = JSON.parse(listed.stdout).tools.map((t) => t.name);
  } catch {
    return { ok: false, note: `unparsable tools/list output: ${firstLine(listed.stdout)}` };
  }
  const absent = OUR_TOOLS.filter((t) => !names.includes(t));
  if (absent.length > 0) return { ok: false, note: `missing ${absent.join(', ')} (got ${names.join(', ') || 'none'})` };
  const called = inspect(['--method', 'tools/call', '--tool-name', 'search_documents', '--tool-arg', 'query=roll back a deploy']);
  if (called.status !== 0) return { ok: false, note: `tools/call exit ${called.status}: ${firstLine(called.stderr || called.stdout)}` };
  let hits;
  try {
    hits = JSON.parse(called.stdout).structuredContent.results.length;
  } catch {
    return { ok: false, note: `unparsable tools/call output: ${firstLine(called.stdout)}` };
  }
  return hits > 0 ? { ok: true, note: `lists ${names.join(', ')}; a search found ${hits}` } : { ok: false, note: 'a search found nothing' };
}

// ---------------------------------------------------------------------------------------------

function printTable(rows) {
  const headers = ['era', 'scenario', 'scored', 'result', 'checks', 'note'];
  const cells = rows.map((r) => [r.era, r.scenario, r.scored, r.verdict, r.counts, r.note]);
  const widths = headers.map((h, i) => Math.min(i === 5 ? 90 : 60, Math.max(h.length, ...cells.map((c) => String(c[i]).length))));
  const line = (c) =>
    c
      .map((v, i) => String(v).slice(0, widths[i]).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  log(line(headers));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) log(line(c));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const toolchain = ensureToolchain();
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(RESULTS, runId);
  mkdirSync(runDir, { recursive: true });
  log(`Conformance ${CONFORMANCE_VERSION} on Node ${toolchain.nodeVersion}; results in ${relative(ROOT, runDir)}`);

  let server;
  const cleanup = async () => {
    if (server) await server.stop();
    server = undefined;
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      void cleanup().then(() => process.exit(130));
    });
  }

  const rows = [];
  let inspector;
  let inspectorStdio;
  try {
    let url = opts.url;
    if (url === undefined) {
      if (opts.build) build();
      else if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) fail('dist/src/cli.js missing: run npm run build or drop --no-build');
      server = await startServer(runDir, opts.verbose);
      url = server.url;
    }
    if (opts.suite) {
      for (const era of opts.eras) {
        const outDir = join(runDir, era);
        log(`Running --requirements ${era} …`);
        const started = Date.now();
        const exit = await runSuite(toolchain, url, era, outDir, opts.verbose);
        log(`  suite exit ${exit.code ?? exit.signal} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const { scored, notScored } = await requiredScenarios(era);
        const results = readResults(outDir);
        const names = [...new Set([...scored, ...notScored.keys(), ...results.keys()])];
        for (const scenario of names) {
          const c = classify(scenario, results.get(scenario));
          rows.push({ era, scenario, scored: scored.has(scenario) ? 'yes' : (notScored.get(scenario) ?? 'extra'), ...c });
        }
      }
    }
    if (opts.inspector) {
      inspector = runInspector(toolchain, url);
      inspectorStdio = runInspectorStdio(toolchain, runDir);
    }
  } finally {
    await cleanup();
  }

  if (rows.length > 0) {
    log('');
    printTable(rows);
  }
  const failed = rows.filter((r) => r.verdict === 'failed');
  log('');
  for (const era of opts.suite ? opts.eras : []) {
    const of = rows.filter((r) => r.era === era);
    const n = (v) => of.filter((r) => r.verdict === v).length;
    log(
      `${era}: ${n('passed')} passed, ${n('failed')} failed, ${n('fixture-only')} fixture-only` +
        (n('out-of-scope') ? `, ${n('out-of-scope')} out-of-scope` : ''),
    );
  }
  if (inspector) log(`Inspector tools/list: ${inspector.ok ? 'ok' : 'FAILED'} — ${inspector.note}`);
  if (inspectorStdio) log(`Inspector over stdio: ${inspectorStdio.ok ? 'ok' : 'FAILED'} — ${inspectorStdio.note}`);
  writeFileSync(
    join(runDir, 'summary.json'),
    `${JSON.stringify({ conformance: CONFORMANCE_VERSION, node: toolchain.nodeVersion, url: opts.url ?? 'spawned', rows, inspector, inspectorStdio }, null, 2)}\n`,
  );
  const ok = failed.length === 0 && (inspector === undefined || inspector.ok) && (inspectorStdio === undefined || inspectorStdio.ok);
  log(ok ? 'OK: every scenario a real server can pass passed.' : 'FAILED: see the table above and the checks.json files.');
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`conformance: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
