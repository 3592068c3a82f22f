// The ingest runner behind `knowledge-mcp ingest`: reads the input, streams it into the
// source's connector in batches and returns a summary; rendering is the CLI's job.
import type { Readable } from 'node:stream';
import type { Connector, IngestSummary } from '../../connectors/contract/types.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
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
  const summary = await connector.ingest(input.documents, {
    signal,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    onProgress: (done) => options.onProgress?.({ processed: done, invalid: invalid.length, elapsedMs: performance.now() - started }),
  });
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
