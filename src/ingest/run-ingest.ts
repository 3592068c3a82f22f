// The ingest runner behind `knowledge-mcp ingest`: reads the input, streams it into the
// source's connector in batches and returns a summary; rendering is the CLI's job.
import type { Readable } from 'node:stream';
import type { Connector, IngestSummary } from '../../connectors/contract/types.js';
import { isAbortError, KnowledgeError, type ErrorCode } from '../../connectors/contract/errors.js';
import type { InvalidRecord } from './input-error.js';
import { openIngestInput, type InputFormat } from './open-input.js';

export interface IngestProgress {
  /** Documents handed to the source so far (written, unchanged or refused). */
  processed: number;
  /** Bad input records skipped so far (only with skipInvalid). */
  invalid: number;
  elapsedMs: number;
}

export interface RunIngestOptions {
  connector: Connector;
  /** A JSONL file, a folder (of .jsonl or of markdown), or "-" for `stdin`. */
  input: string;
  skipInvalid?: boolean;
  signal: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
  format?: InputFormat;
  stdin?: Readable;
  batchSize?: number;
}

export interface RunIngestSummary {
  source: string;
  input: string;
  /** Documents inserted or updated. */
  written: number;
  /** Documents already stored with the same content (when the source can tell). */
  unchanged: number | null;
  /** Documents the source refused, with the reason. */
  failed: IngestSummary['failed'];
  /** Input records that could not be read (with skipInvalid). */
  invalid: InvalidRecord[];
  tookMs: number;
}

/**
 * An ingest that stopped part-way. Batches are atomic, so `committed` documents are stored and
 * the rest are not; the caller must still tell caches about the committed ones.
 */
export class IngestFailedError extends KnowledgeError {
  /** Documents in batches the source committed before the failure (written or unchanged). */
  readonly committed: number;
  /** Documents read from the input and handed to the source. */
  readonly read: number;

  constructor(committed: number, read: number, cause: unknown) {
    const code: ErrorCode = cause instanceof KnowledgeError ? cause.code : 'INGEST_FAILED';
    super(code, `ingest failed after ${committed.toLocaleString('en')} of ${read.toLocaleString('en')} documents read were committed: ${reasonOf(cause)}`, {
      cause,
      // Safe to show when the cause was (an operator's own abort reason is theirs to read).
      expose: cause instanceof KnowledgeError ? cause.expose : isAbortError(cause) || cause instanceof Error,
    });
    this.name = 'IngestFailedError';
    this.committed = committed;
    this.read = read;
  }
}

function reasonOf(cause: unknown): string {
  if (cause instanceof KnowledgeError) return cause.expose ? cause.message : 'internal error (see the log)';
  if (cause instanceof Error) return cause.message.split('\n')[0] ?? cause.name;
  return String(cause);
}

/** Counts what the source pulled from the input. */
async function* counting<T>(items: AsyncIterable<T>, counter: { read: number }): AsyncGenerator<T> {
  for await (const item of items) {
    counter.read += 1;
    yield item;
  }
}

export async function runIngest(options: RunIngestOptions): Promise<RunIngestSummary> {
  const { connector, signal } = options;
  if (!connector.ingest) {
    throw new KnowledgeError('READ_ONLY_SOURCE', `source ${connector.name} (${connector.kind}) is read-only: it can't be ingested into`);
  }
  const started = performance.now();
  const invalid: InvalidRecord[] = [];
  const input = await openIngestInput(options.input, {
    signal,
    skipInvalid: options.skipInvalid ?? false,
    onInvalid: (record) => invalid.push(record),
    ...(options.format ? { format: options.format } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  const counter = { read: 0, committed: 0 };
  let summary: IngestSummary;
  try {
    summary = await connector.ingest(counting(input.documents, counter), {
      signal,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onProgress: (done) => {
        counter.committed = done;
        options.onProgress?.({ processed: done, invalid: invalid.length, elapsedMs: performance.now() - started });
      },
    });
  } catch (error) {
    throw new IngestFailedError(counter.committed, counter.read, error);
  }
  const unchanged = (summary as IngestSummary & { unchanged?: unknown }).unchanged;
  return {
    source: connector.name,
    input: input.description,
    written: summary.written,
    unchanged: typeof unchanged === 'number' ? unchanged : null,
    failed: summary.failed,
    invalid,
    tookMs: Math.round(performance.now() - started),
  };
}
