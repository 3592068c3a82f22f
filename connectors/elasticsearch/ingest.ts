// `ingest --source NAME` into Elasticsearch: creates the index with an English-analysed mapping
// when missing, indexes batches with the client's bulk helper, reports each rejected document.
import type { Client, estypes } from '@elastic/elasticsearch';
import { KnowledgeError } from '../contract/errors.js';
import type { IngestDocument, IngestOptions, IngestSummary } from '../contract/types.js';
import { errorBodyType } from './errors.js';
import type { FieldMap } from './fields.js';
import { storedAcl } from './acl.js';

export const DEFAULT_BATCH_SIZE = 500;
/** Elasticsearch refuses a whole bulk request when one `_id` is longer than this. */
const MAX_ID_BYTES = 512;

export interface IngestTarget {
  client: Client;
  index: string;
  fields: FieldMap;
  retries: number;
  retryWaitMs: number;
}

/** Mapping of a fresh index: analysed title/body, exact URL, a date, metadata kept but not indexed. */
export function buildIndexMapping(fields: FieldMap): estypes.MappingTypeMapping {
  const properties: Record<string, estypes.MappingProperty> = {
    metadata: { type: 'object', enabled: false },
  };
  if (fields.id !== '_id') properties[fields.id] = { type: 'keyword' };
  if (fields.title !== null) properties[fields.title] = { type: 'text', analyzer: 'english' };
  if (fields.body !== null) properties[fields.body] = { type: 'text', analyzer: 'english' };
  if (fields.url !== null) properties[fields.url] = { type: 'keyword', ignore_above: 2048 };
  if (fields.updatedAt !== null) properties[fields.updatedAt] = { type: 'date' };
  if (fields.acl != null) properties[fields.acl] = { type: 'keyword' };
  return { properties };
}

/** The `_source` written for one document, under the configured field names. */
export function toSource(document: IngestDocument, fields: FieldMap): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  if (fields.id !== '_id') source[fields.id] = document.id;
  if (fields.title !== null) source[fields.title] = document.title;
  if (fields.body !== null) source[fields.body] = document.text;
  if (fields.url !== null && document.url != null) source[fields.url] = document.url;
  if (fields.updatedAt !== null && document.updatedAt != null) source[fields.updatedAt] = document.updatedAt;
  if (document.metadata !== undefined) source.metadata = document.metadata;
  const acl = fields.acl == null ? undefined : storedAcl(document.acl);
  if (acl !== undefined && fields.acl != null) source[fields.acl] = acl;
  return source;
}

/** Creates the index unless it (or an alias of that name) exists; a concurrent creator is fine. */
export async function ensureIndex(target: IngestTarget, signal: AbortSignal): Promise<boolean> {
  const exists = await target.client.indices.exists({ index: target.index }, { signal });
  if (exists) return false;
  try {
    await target.client.indices.create({ index: target.index, mappings: buildIndexMapping(target.fields) }, { signal });
    return true;
  } catch (error) {
    if (errorBodyType((error as { body?: unknown }).body).type === 'resource_already_exists_exception') return false;
    throw error;
  }
}

interface Pending {
  document: IngestDocument;
  id: string;
}

/** Indexes the documents batch by batch; per-document rejections are data, whole-request failures throw. */
export async function ingestDocuments(target: IngestTarget, documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<IngestSummary> {
  const { signal } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const summary: IngestSummary = { written: 0, failed: [] };
  let batch: Pending[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    summary.written += await indexBatch(target, current, summary.failed, signal);
    options.onProgress?.(summary.written);
  };

  for await (const document of documents) {
    signal.throwIfAborted();
    const id = String(document.id);
    if (id === '' || Buffer.byteLength(id) > MAX_ID_BYTES) {
      summary.failed.push({ id, reason: `id must be 1..${MAX_ID_BYTES} bytes for Elasticsearch` });
      continue;
    }
    batch.push({ document, id });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await target.client.indices.refresh({ index: target.index }, { signal });
  return summary;
}

async function indexBatch(target: IngestTarget, batch: Pending[], failed: IngestSummary['failed'], signal: AbortSignal): Promise<number> {
  const helper = target.client.helpers.bulk<Pending>(
    {
      datasource: batch,
      onDocument: (pending) => [{ index: { _index: target.index, _id: pending.id } }, toSource(pending.document, target.fields)],
      // One request per batch: the batch size, not the byte threshold, decides commits.
      flushBytes: Number.MAX_SAFE_INTEGER,
      concurrency: 1,
      retries: target.retries,
      wait: target.retryWaitMs,
      onDrop: (drop) => {
        const operation = drop.operation as { index?: { _id?: unknown } };
        failed.push({ id: String(operation.index?._id ?? ''), reason: describeDrop(drop.status, drop.error) });
      },
    },
    { signal },
  );
  const abort = (): void => {
    helper.abort();
  };
  signal.addEventListener('abort', abort, { once: true });
  try {
    const stats = await helper;
    signal.throwIfAborted();
    return stats.successful;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function describeDrop(status: number, error: estypes.ErrorCause | null): string {
  if (error === null) {
    return status === 429 ? 'the cluster kept rejecting it as overloaded (429) after retries' : `rejected (HTTP ${status})`;
  }
  const reason = typeof error.reason === 'string' ? `: ${error.reason}` : '';
  return `${error.type}${reason}`.slice(0, 500);
}

/** Refuses to ingest into a pattern or list, where Elasticsearch would not know which index to write. */
export function assertWritableIndex(index: string, isSingle: boolean): void {
  if (!isSingle) {
    throw new KnowledgeError('INGEST_FAILED', `cannot ingest into the pattern "${index}"; configure one index or alias`);
  }
}
