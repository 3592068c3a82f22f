// A connector whose answers, delays, failures and hangs are scripted, for federation tests and
// benchmarks. It records every call and whether its work completed or was cancelled by the signal.
import type { Connector, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../contract/types.js';
import { SourceError } from '../contract/errors.js';

export interface ScriptedDocument {
  id: string;
  title: string;
  text?: string;
  /** Shown as the snippet in `fixed` ranking (default: the start of the text). */
  snippet?: string;
  url?: string | null;
  updatedAt?: string | null;
  contentHash?: string | null;
  /** The source's own score in `fixed` ranking (default: descending by position). */
  score?: number;
  metadata?: Record<string, unknown>;
}

export interface ScriptedBehaviour {
  /** Work takes this long (an abortable wait unless `ignoreAbort`). */
  delayMs: number;
  /** Never finish (until aborted, unless `ignoreAbort`). */
  hang: boolean;
  /** Fail after the delay with this one-line message. */
  fail: { message: string; expose: boolean; code?: 'SOURCE_ERROR' | 'SOURCE_UNAVAILABLE' | 'SOURCE_TIMEOUT' } | null;
  /** Misbehave: keep working after the signal aborts. */
  ignoreAbort: boolean;
}

export type ScriptedOperation = 'search' | 'get' | 'health';

export interface ScriptedCall {
  operation: ScriptedOperation;
  query?: string;
  limit?: number;
  nativeId?: string;
  /** `completed`: the work ran to its end; `cancelled`: the signal stopped it. */
  outcome: 'pending' | 'completed' | 'failed' | 'cancelled';
  /** The signal aborted while this call was still working. */
  abortSeen: boolean;
  startedAt: number;
  endedAt: number | null;
}

export interface ScriptedOptions {
  name: string;
  description?: string;
  /** `fixed`: every query gets the documents in the given order; `match`: ranked by matched query words. */
  ranking?: 'fixed' | 'match';
  documents?: ScriptedDocument[];
  behaviour?: Partial<ScriptedBehaviour>;
  /** Behaviour of health checks (default: instant). */
  healthBehaviour?: Partial<ScriptedBehaviour>;
  healthy?: boolean;
  documentCount?: number | null;
}

const DEFAULT_BEHAVIOUR: ScriptedBehaviour = { delayMs: 0, hang: false, fail: null, ignoreAbort: false };

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Waits `ms` (Infinity = forever); stops early with the signal's reason unless `signal` is null. */
function wait(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    if (ms === 0) return resolve();
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      if (timer !== null) clearTimeout(timer);
      reject(abortReason(signal!));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ScriptedConnector implements Connector {
  readonly kind = 'scripted';
  readonly name: string;
  readonly description: string;
  readonly calls: ScriptedCall[] = [];
  documents: ScriptedDocument[];
  ranking: 'fixed' | 'match';
  healthy: boolean;
  documentCount: number | null;
  private behaviour: ScriptedBehaviour;
  private healthBehaviour: ScriptedBehaviour;
  private readonly queued: Array<Partial<ScriptedBehaviour>> = [];
  private active = 0;
  private peak = 0;

  constructor(options: ScriptedOptions) {
    this.name = options.name;
    this.description = options.description ?? 'Scripted test source with fixed answers';
    this.documents = options.documents ?? [];
    this.ranking = options.ranking ?? 'fixed';
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    this.healthBehaviour = { ...DEFAULT_BEHAVIOUR, ...options.healthBehaviour };
    this.healthy = options.healthy ?? true;
    this.documentCount = options.documentCount === undefined ? this.documents.length : options.documentCount;
  }

  /** Changes the behaviour of every later search and get. */
  setBehaviour(behaviour: Partial<ScriptedBehaviour>): void {
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...behaviour };
  }

  setHealthBehaviour(behaviour: Partial<ScriptedBehaviour>): void {
    this.healthBehaviour = { ...DEFAULT_BEHAVIOUR, ...behaviour };
  }

  /** One behaviour per later search/get call, in order; then back to the standing behaviour. */
  queueBehaviours(...behaviours: Array<Partial<ScriptedBehaviour>>): void {
    this.queued.push(...behaviours);
  }

  /** Calls working right now, and the most there ever were at once. */
  get inFlight(): number {
    return this.active;
  }
  get maxInFlight(): number {
    return this.peak;
  }

  callsOf(operation: ScriptedOperation): ScriptedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  search(request: SearchRequest): Promise<SourceHit[]> {
    return this.perform('search', { query: request.query, limit: request.limit }, request.signal, () =>
      this.rank(request.query, request.updatedAfter).slice(0, Math.max(0, request.limit)),
    );
  }

  get(nativeId: string, signal: AbortSignal): Promise<SourceDocument | null> {
    return this.perform('get', { nativeId }, signal, () => {
      const doc = this.documents.find((candidate) => candidate.id === nativeId);
      if (!doc) return null;
      return {
        nativeId: doc.id,
        title: doc.title,
        url: doc.url ?? null,
        updatedAt: doc.updatedAt ?? null,
        content: doc.text ?? doc.snippet ?? '',
        metadata: doc.metadata ?? {},
      };
    });
  }

  health(signal: AbortSignal): Promise<SourceHealth> {
    return this.perform(
      'health',
      {},
      signal,
      () => ({ ok: this.healthy, documentCount: this.documentCount, ...(this.healthy ? {} : { detail: 'scripted: unhealthy' }) }),
      this.healthBehaviour,
    );
  }

  recognizeUrl(url: string): string | null {
    const bare = url.trim().replace(/\/+$/, '');
    return this.documents.find((doc) => doc.url && doc.url.replace(/\/+$/, '') === bare)?.id ?? null;
  }

  async close(): Promise<void> {}

  private rank(query: string, updatedAfter: Date | null): SourceHit[] {
    const fresh = this.documents.filter((doc) => updatedAfter === null || (doc.updatedAt != null && Date.parse(doc.updatedAt) >= updatedAfter.getTime()));
    if (this.ranking === 'fixed') {
      return fresh.map((doc, index) => this.toHit(doc, doc.score ?? fresh.length - index, doc.snippet ?? (doc.text ?? '').slice(0, 160)));
    }
    const terms = new Set(words(query));
    const scored = fresh
      .map((doc, index) => {
        const titleWords = words(doc.title);
        const textWords = words(doc.text ?? '');
        let score = 0;
        for (const word of titleWords) if (terms.has(word)) score += 2;
        for (const word of textWords) if (terms.has(word)) score += 1;
        return { doc, index, score };
      })
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.map(({ doc, score }) => this.toHit(doc, score, highlight(doc.text ?? doc.title, terms)));
  }

  private toHit(doc: ScriptedDocument, score: number, snippet: string): SourceHit {
    return {
      nativeId: doc.id,
      title: doc.title,
      snippet,
      url: doc.url ?? null,
      score,
      updatedAt: doc.updatedAt ?? null,
      contentHash: doc.contentHash ?? null,
    };
  }

  private async perform<T>(
    operation: ScriptedOperation,
    details: Pick<ScriptedCall, 'query' | 'limit' | 'nativeId'>,
    signal: AbortSignal,
    produce: () => T,
    standing: ScriptedBehaviour = this.behaviour,
  ): Promise<T> {
    const behaviour = operation === 'health' ? standing : { ...DEFAULT_BEHAVIOUR, ...(this.queued.shift() ?? standing) };
    const call: ScriptedCall = { operation, ...details, outcome: 'pending', abortSeen: false, startedAt: performance.now(), endedAt: null };
    this.calls.push(call);
    const onAbort = (): void => {
      call.abortSeen = true;
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    try {
      if (!behaviour.ignoreAbort) signal.throwIfAborted();
      await wait(behaviour.hang ? Number.POSITIVE_INFINITY : behaviour.delayMs, behaviour.ignoreAbort ? null : signal);
      if (behaviour.fail) {
        throw new SourceError(behaviour.fail.code ?? 'SOURCE_ERROR', behaviour.fail.message, { expose: behaviour.fail.expose });
      }
      const value = produce();
      call.outcome = 'completed';
      return value;
    } catch (error) {
      call.outcome = signal.aborted && !behaviour.ignoreAbort ? 'cancelled' : 'failed';
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.active -= 1;
      call.endedAt = performance.now();
    }
  }
}

/** A window of text around the first matched word, matched words wrapped in `**`. */
function highlight(text: string, terms: ReadonlySet<string>): string {
  const pattern = /[\p{L}\p{N}]+/gu;
  let first = -1;
  for (const match of text.matchAll(pattern)) {
    if (terms.has(match[0].toLowerCase())) {
      first = match.index;
      break;
    }
  }
  const start = Math.max(0, first - 60);
  const window = text.slice(start, start + 200);
  return window.replace(pattern, (word) => (terms.has(word.toLowerCase()) ? `**${word}**` : word));
}
