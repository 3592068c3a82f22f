// End-of-stack check: asks a running knowledge-mcp, through /mcp, for one query and fails unless every
// source (or every one named in SMOKE_SOURCES) answered ok with at least one hit. Prints one line per
// source. Used as the last service of docker-compose and by the deploy tests against a local server.
//   MCP_URL (default http://127.0.0.1:3000/mcp)  SMOKE_API_KEY  SMOKE_QUERY  SMOKE_SOURCES=a,b
//   SMOKE_TIMEOUT_MS (default 60000): how long to keep retrying while the server warms up.

const url = process.env.MCP_URL || 'http://127.0.0.1:3000/mcp';
const apiKey = process.env.SMOKE_API_KEY || '';
const query = process.env.SMOKE_QUERY || 'security incident';
const expected = (process.env.SMOKE_SOURCES || '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const deadline = Date.now() + Number(process.env.SMOKE_TIMEOUT_MS || 60_000);

let nextId = 1;

/** One JSON-RPC call; accepts a plain JSON answer or a single SSE `data:` event. */
async function callTool(name, args) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(apiKey ? { 'x-api-key': apiKey } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args } }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}: ${text.slice(0, 200)}`);
  const dataLine = text.split('\n').find((line) => line.startsWith('data:'));
  const message = JSON.parse(dataLine ? dataLine.slice(5) : text);
  if (message.error) throw new Error(`${name}: JSON-RPC error ${message.error.code} ${message.error.message}`);
  const result = message.result ?? {};
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content ?? result)}`);
  if (result.structuredContent) return result.structuredContent;
  const block = (result.content ?? []).find((item) => item.type === 'text');
  return block ? JSON.parse(block.text) : {};
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function attempt(round) {
  const names = expected.length > 0 ? expected : ((await callTool('list_sources', {})).sources ?? []).map((s) => s.name);
  if (names.length === 0) throw new Error('the server reports no sources');
  // The limit is part of the cache key: varying it per round keeps a cached warm-up answer from
  // hiding a source that has become ready since.
  const answer = await callTool('search_documents', { query, limit: 20 + (round % 20) });
  const bySource = new Map((answer.sources ?? []).map((s) => [s.name, s]));
  const missing = names.filter((name) => {
    const report = bySource.get(name);
    return report?.status !== 'ok' || !(report.count > 0);
  });
  return { names, answer, bySource, missing };
}

async function main() {
  let last = null;
  let lastError = null;
  for (let round = 0; Date.now() < deadline; round += 1) {
    try {
      last = await attempt(round);
      lastError = null;
      if (last.missing.length === 0) break;
    } catch (error) {
      lastError = error;
    }
    await sleep(2000);
  }
  if (!last) {
    console.error(`smoke: FAILED, no answer from ${url}: ${lastError?.message ?? 'timeout'}`);
    process.exit(1);
  }
  console.log(`smoke: "${query}" -> ${last.answer.results?.length ?? 0} results`);
  for (const name of last.names) {
    const report = last.bySource.get(name);
    console.log(`smoke:   ${name.padEnd(16)} ${report ? `${report.status} ${report.count} hits ${report.took_ms} ms` : 'not asked'}`);
  }
  if (last.missing.length > 0) {
    console.error(`smoke: FAILED, no hits from ${last.missing.join(', ')}`);
    process.exit(1);
  }
  console.log('smoke: ok, every source answered with hits');
}

await main();
