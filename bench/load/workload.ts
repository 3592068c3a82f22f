// The mixed workload of bench:load, as autocannon request shapes taken in turn on every
// connection: tools/list, repeated (cached) searches, searches never asked before (a fresh cache
// key each, so every one fans out), and get_document of ids a first search returned.
import type autocannon from 'autocannon';

const HEADERS = { 'content-type': 'application/json' };

const rpc = (method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
const search = (query: string) => rpc('tools/call', { name: 'search_documents', arguments: { query, limit: 10 } });

export interface WorkloadCounters {
  /** Answers that were a JSON-RPC error or a tool result with isError. */
  rpcErrors: number;
  /** Searches whose answer was partial (a source failed): a fault, not a throughput figure. */
  partial: number;
  byKind: Record<string, number>;
  /** Latency of every answer per request kind, ms (sent → answered, per connection). */
  latencyMs: Record<string, number[]>;
}

/** Per connection: when its request in flight was sent (autocannon keeps one in flight per connection). */
interface ConnectionContext {
  sentAt?: number;
}

/** Words of the demo corpus that find documents; uncached queries pair them with a counter. */
const WORDS = [
  'deploy',
  'rollback',
  'incident',
  'vacation',
  'password',
  'database',
  'failover',
  'certificate',
  'backup',
  'expense',
  'travel',
  'laptop',
  'oncall',
  'release',
  'feature',
];

export function buildWorkload(documentIds: string[], counters: WorkloadCounters): autocannon.Request[] {
  let uncached = 0;
  const check = (kind: string) => (status: number, body: string, context: ConnectionContext) => {
    counters.byKind[kind] = (counters.byKind[kind] ?? 0) + 1;
    if (context.sentAt !== undefined) {
      counters.latencyMs[kind] ??= [];
      counters.latencyMs[kind].push(performance.now() - context.sentAt);
    }
    if (status !== 200) return;
    // Cheap substring checks: the load generator shares the machine with the server.
    if (body.startsWith('{"jsonrpc":"2.0","id":1,"error":') || body.includes('"isError":true')) counters.rpcErrors += 1;
    if (body.includes('"partial":true')) counters.partial += 1;
  };
  const request = (kind: string, body: string, setup?: (req: autocannon.Request) => autocannon.Request): autocannon.Request => ({
    method: 'POST',
    path: '/mcp',
    headers: HEADERS,
    body,
    onResponse: check(kind) as autocannon.Request['onResponse'],
    setupRequest: (req, context: ConnectionContext) => {
      context.sentAt = performance.now();
      return setup ? setup(req) : req;
    },
  });
  const fresh = (): ((req: autocannon.Request) => autocannon.Request) => (req) => {
    uncached += 1;
    const a = WORDS[uncached % WORDS.length]!;
    const b = WORDS[Math.floor(uncached / WORDS.length) % WORDS.length]!;
    return { ...req, body: search(`${a} ${b} n${uncached}`) };
  };
  const get = (index: number) =>
    rpc('tools/call', { name: 'get_document', arguments: { document_id: documentIds[index % documentIds.length], max_chars: 4000 } });
  return [
    request('tools/list', rpc('tools/list', {})),
    request('search (cached)', search('deploy rollback')),
    request('search (uncached)', search('placeholder'), fresh()),
    request('get_document', get(0)),
    request('search (cached)', search('incident on-call')),
    request('search (uncached)', search('placeholder'), fresh()),
    request('tools/list', rpc('tools/list', {})),
    request('get_document', get(1)),
  ];
}

/** ids of documents a first search returns, for get_document. */
export async function discoverDocumentIds(url: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const query of ['deploy rollback', 'incident on-call', 'password laptop']) {
    const response = await fetch(`${url}/mcp`, { method: 'POST', headers: HEADERS, body: search(query) });
    const answer = (await response.json()) as { result?: { structuredContent?: { results?: Array<{ id: string }> } } };
    for (const result of answer.result?.structuredContent?.results ?? []) ids.add(result.id);
  }
  if (ids.size === 0) throw new Error('the server found no documents for the demo queries; is it serving the demo sources?');
  return [...ids].slice(0, 12);
}
