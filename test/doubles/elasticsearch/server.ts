// A small Elasticsearch over node:http for tests: the documented request and response shapes of
// root info, index admin, `_mapping`, `_search`, `_count`, `_doc`, `_bulk` and `_refresh`, the
// product header the client checks, media-type rules per major version, auth, and injected faults.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { bulk } from './bulk.js';
import { allShardsFailed, noHandler, rejectedExecution, resourceAlreadyExists, securityException } from './error-bodies.js';
import { checkMediaTypes, responseContentType } from './media-type.js';
import { count, filterSource, search } from './search.js';
import { DoubleStore, type FieldSpec } from './store.js';

export type DoubleFlavor = '9' | '8' | '7' | 'opensearch';

export interface DoubleOptions {
  /** Which server to impersonate; its root info comes from test/fixtures/elasticsearch. Default 9. */
  flavor?: DoubleFlavor;
  /** Credentials the double requires; none means security off (as in a dev cluster). */
  auth?: { apiKey?: string; username?: string; password?: string; bearer?: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Fault {
  status: 429 | 503;
  remaining: number;
  when: (request: RecordedRequest) => boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string> | undefined;
}

const FIXTURES = new URL('../../fixtures/elasticsearch/', import.meta.url);
const ROOT_INFO: Record<DoubleFlavor, string> = {
  '9': 'root-info-9.json',
  '8': 'root-info-8.json',
  '7': 'root-info-7.json',
  opensearch: 'root-info-opensearch.json',
};

export class ElasticsearchDouble {
  readonly store = new DoubleStore();
  /** Every request received, in order (bodies as text). */
  readonly requests: RecordedRequest[] = [];
  /** Requests whose client went away before the answer was sent (a cancelled search). */
  readonly cancelled: RecordedRequest[] = [];
  readonly rootInfo: { version: { number: string } } & Record<string, unknown>;
  readonly major: number;
  readonly #options: DoubleOptions;
  readonly #faults: Fault[] = [];
  readonly #bulkRejections = new Map<string, number>();
  #delay: { ms: number; when: (request: RecordedRequest) => boolean } | null = null;
  #server = createServer((req, res) => void this.#handle(req, res));
  url = '';

  constructor(options: DoubleOptions = {}) {
    this.#options = options;
    const flavor = options.flavor ?? '9';
    this.rootInfo = JSON.parse(readFileSync(new URL(ROOT_INFO[flavor], FIXTURES), 'utf8')) as ElasticsearchDouble['rootInfo'];
    this.major = Number.parseInt(this.rootInfo.version.number, 10);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Answers the next `times` matching requests with 429 (rejected execution) or 503 (no shard). */
  failNext(status: 429 | 503, times = 1, when: (request: RecordedRequest) => boolean = () => true): void {
    this.#faults.push({ status, remaining: times, when });
  }

  /** Bulk items with these ids get a per-item 429 for their next `times` attempts. */
  rejectBulkItems(ids: string[], times = Number.POSITIVE_INFINITY): void {
    for (const id of ids) this.#bulkRejections.set(id, times);
  }

  /** Holds matching answers back by `ms` (null to stop), to let a caller time out or abort. */
  delayResponses(ms: number | null, when: (request: RecordedRequest) => boolean = () => true): void {
    this.#delay = ms === null ? null : { ms, when };
  }

  /** Creates an index (mappings as in `PUT /<index>`) and indexes documents, visible at once. */
  seed(index: string, docs: Array<{ id: string; routing?: string } & Record<string, unknown>>, mappings?: Record<string, FieldSpec>, settings?: unknown): void {
    const target = this.store.indices.get(index) ?? this.store.createIndex(index, { mappings: { properties: mappings ?? {} }, settings });
    for (const { id, routing, ...source } of docs) {
      const result = this.store.put(target, id, source, routing ?? null);
      if ('status' in result) throw new Error(result.body.error.reason);
    }
    target.refresh();
  }

  /** Takes one 429 off a rejected bulk item; true while the item should still be rejected. */
  takeBulkRejection(id: string): boolean {
    const left = this.#bulkRejections.get(id) ?? 0;
    if (left <= 0) return false;
    this.#bulkRejections.set(id, left - 1);
    return true;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip' && raw.length > 0) raw = gunzipSync(raw);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: raw.toString('utf8'),
    };
    this.requests.push(request);
    let reply: Reply;
    try {
      reply = this.#respond(request);
    } catch (error) {
      reply = { status: 500, body: { error: { root_cause: [], type: 'exception', reason: String(error) }, status: 500 } };
    }
    if (this.#delay?.when(request)) {
      const wait = this.#delay.ms;
      const gone = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), wait);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (gone || res.destroyed) {
        this.cancelled.push(request);
        return;
      }
    }
    this.#write(res, request, reply);
  }

  #write(res: ServerResponse, request: RecordedRequest, reply: Reply): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (this.#options.flavor !== 'opensearch') headers['x-elastic-product'] = 'Elasticsearch';
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    headers['content-type'] = responseContentType(request.headers.accept);
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(request.method === 'HEAD' ? undefined : payload);
  }

  #respond(request: RecordedRequest): Reply {
    const authFailure = this.#checkAuth(request);
    if (authFailure !== null) return authFailure;
    if (this.#options.flavor !== 'opensearch') {
      const media = checkMediaTypes(this.major, request.headers.accept, request.headers['content-type'], request.body !== '');
      if (media !== null) return media;
    }
    const fault = this.#faults.find((f) => f.remaining > 0 && f.when(request));
    if (fault !== undefined) {
      fault.remaining -= 1;
      return fault.status === 429 ? rejectedExecution() : allShardsFailed();
    }
    let body: Record<string, unknown> = {};
    if (request.body !== '' && !request.path.endsWith('/_bulk')) {
      try {
        body = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error: { root_cause: [], type: 'x_content_parse_exception', reason: 'request body is not JSON' }, status: 400 } };
      }
    }
    return this.#route(request, body) ?? noHandler(request.method, request.path);
  }

  #checkAuth(request: RecordedRequest): Reply | null {
    const auth = this.#options.auth;
    if (auth === undefined) return null;
    const header = request.headers.authorization;
    const accepted: string[] = [];
    if (auth.apiKey !== undefined) accepted.push(`ApiKey ${auth.apiKey}`);
    if (auth.bearer !== undefined) accepted.push(`Bearer ${auth.bearer}`);
    if (auth.username !== undefined) {
      accepted.push(`Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`);
    }
    if (header !== undefined && accepted.includes(header)) return null;
    return securityException(request.path, header !== undefined);
  }

  #route(request: RecordedRequest, body: Record<string, unknown>): Reply | null {
    const { method } = request;
    const parts = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [first, second, third] = parts;
    const store = this.store;
    if (parts.length === 0) {
      return method === 'GET' || method === 'HEAD' ? { status: 200, body: this.rootInfo } : null;
    }
    if (first === '_bulk') return bulk(this, undefined, request);
    if (first === '_search') return search(store, undefined, body, request.query);
    if (first === '_count') return count(store, undefined, body);
    if (first === '_refresh') return this.#refresh(undefined);
    if (first === undefined || first.startsWith('_')) return null;

    if (parts.length === 1) {
      if (method === 'HEAD') return { status: store.exists(first) ? 200 : 404 };
      if (method === 'PUT') {
        const existing = store.indices.get(first);
        if (existing !== undefined) return resourceAlreadyExists(first, existing.uuid);
        store.createIndex(first, body as Parameters<DoubleStore['createIndex']>[1]);
        return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: first } };
      }
      if (method === 'DELETE') {
        const resolved = store.resolve(first);
        if (!Array.isArray(resolved)) return resolved;
        for (const index of resolved) store.deleteIndex(index.name);
        return { status: 200, body: { acknowledged: true } };
      }
      return null;
    }
    switch (second) {
      case '_mapping': {
        const resolved = store.resolve(first);
        if (!Array.isArray(resolved)) return resolved;
        return {
          status: 200,
          body: Object.fromEntries(resolved.map((index) => [index.name, { mappings: { properties: index.properties } }])),
        };
      }
      case '_search':
        return search(store, first, body, request.query);
      case '_count':
        return count(store, first, body);
      case '_refresh':
        return this.#refresh(first);
      case '_bulk':
        return bulk(this, first, request);
      case '_doc':
        return third === undefined ? null : this.#doc(request, first, third, body);
      default:
        return null;
    }
  }

  #refresh(expression: string | undefined): Reply {
    const resolved = this.store.resolve(expression);
    if (!Array.isArray(resolved)) return resolved;
    for (const index of resolved) index.refresh();
    const shards = { total: resolved.length, successful: resolved.length, failed: 0 };
    return { status: 200, body: { _shards: shards } };
  }

  #doc(request: RecordedRequest, name: string, id: string, body: Record<string, unknown>): Reply | null {
    const { method } = request;
    const routing = request.query.get('routing');
    if (method === 'GET' || method === 'HEAD') {
      const target = this.store.single(name, 'read');
      if ('status' in target) return target;
      const doc = target.docs.get(id);
      // With several shards a GET goes to the shard of `routing ?? _id`; a document stored under
      // another routing key lives elsewhere and is not found — the trap custom routing sets.
      const reachable = doc !== undefined && (target.shards === 1 || (doc.routing ?? doc.id) === (routing ?? id));
      if (doc === undefined || !reachable) return { status: 404, body: { _index: target.name, _id: id, found: false } };
      const source = filterSource(doc.source, request.query.has('_source') ? request.query.get('_source') !== 'false' : undefined);
      return {
        status: 200,
        body: {
          _index: target.name,
          _id: id,
          _version: doc.version,
          _seq_no: doc.seqNo,
          _primary_term: 1,
          ...(doc.routing === null ? {} : { _routing: doc.routing }),
          found: true,
          ...(source === undefined ? {} : { _source: source }),
        },
      };
    }
    if (method === 'PUT' || method === 'POST') {
      const target = this.store.single(name, 'write');
      if ('status' in target) return target;
      const result = this.store.put(target, id, body, routing);
      if ('status' in result) return result;
      const { doc, created } = result;
      if (['true', 'wait_for', ''].includes(request.query.get('refresh') ?? 'no')) target.refresh();
      return {
        status: created ? 201 : 200,
        body: {
          _index: target.name,
          _id: id,
          _version: doc.version,
          result: created ? 'created' : 'updated',
          _shards: { total: 2, successful: 1, failed: 0 },
          _seq_no: doc.seqNo,
          _primary_term: 1,
        },
      };
    }
    return null;
  }
}

export async function startElasticsearchDouble(options: DoubleOptions = {}): Promise<ElasticsearchDouble> {
  return new ElasticsearchDouble(options).listen();
}
