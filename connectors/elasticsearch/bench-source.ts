// For bench/ only: an Elasticsearch source holding one share of a benchmark corpus in a throwaway
// index, or the reason it could not be measured (never a made-up figure). Not used by the server.
import { Client } from '@elastic/elasticsearch';
import type { Connector, ConnectorContext, IngestDocument } from '../contract/types.js';
import { buildClientOptions, clientForCluster, probeCluster } from './client.js';
import { listNodes, resolveAuth } from './config.js';
import { elasticsearchFactory } from './index.js';

export const NOT_MEASURED_NOTE = 'not measured (no Elasticsearch cluster)';

export interface BenchSourceOptions {
  /** The cluster (the bench passes ELASTICSEARCH_URL); undefined means none. */
  url: string | undefined;
  /** The share of the corpus this source holds. */
  documents: Iterable<IngestDocument> | AsyncIterable<IngestDocument>;
  name?: string;
  /** Extra source-config fields, e.g. `{ api_key_env: 'ELASTICSEARCH_API_KEY' }`. */
  config?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  logger?: ConnectorContext['logger'];
  signal: AbortSignal;
}

export type BenchSource = { measured: true; connector: Connector; index: string; cleanup(): Promise<void> } | { measured: false; note: string };

const quiet: ConnectorContext['logger'] = { debug() {}, info() {}, warn() {}, error() {} };

async function* asAsync<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield* items;
}

/**
 * Creates `knowledge-mcp-bench-<time>`, ingests the share (refreshed, ready to search) and returns
 * the connector; `cleanup` closes it and deletes the index. No URL or an unusable cluster gives
 * `{measured: false}` with the note the bench prints.
 */
export async function openElasticsearchBenchSource(options: BenchSourceOptions): Promise<BenchSource> {
  if (options.url === undefined || options.url === '') return { measured: false, note: NOT_MEASURED_NOTE };
  const index = `knowledge-mcp-bench-${Date.now().toString(36)}`;
  const config = elasticsearchFactory.configSchema.parse({
    name: options.name ?? 'elasticsearch',
    kind: 'elasticsearch',
    node: options.url,
    index,
    request_timeout_ms: 120_000,
    ...options.config,
  });
  const env = options.env ?? {};
  const connector = elasticsearchFactory.create(config, { logger: options.logger ?? quiet, dataDir: '.', env });
  const dropIndex = async (): Promise<void> => {
    const signal = AbortSignal.timeout(30_000);
    const settings = {
      nodes: listNodes(config),
      auth: resolveAuth(config, env),
      caFile: config.tls?.ca_file,
      caFingerprint: config.tls?.ca_fingerprint,
      requestTimeoutMs: 30_000,
    };
    const probe = new Client(await buildClientOptions(settings, signal));
    try {
      const client = clientForCluster(probe, await probeCluster(probe, signal, index));
      await client.indices.delete({ index }, { signal, ignore: [404] });
    } finally {
      await probe.close();
    }
  };
  try {
    await connector.start?.(options.signal);
    const summary = await connector.ingest!(asAsync(options.documents), { signal: options.signal, batchSize: 1000 });
    if (summary.failed.length > 0) {
      throw new Error(`${summary.failed.length} documents were rejected, first: ${summary.failed[0]?.reason ?? ''}`);
    }
  } catch (error) {
    await connector.close();
    await dropIndex().catch(() => undefined);
    return { measured: false, note: `${NOT_MEASURED_NOTE.slice(0, -1)}: ${(error as Error).message.slice(0, 120)})` };
  }
  return {
    measured: true,
    connector,
    index,
    cleanup: async () => {
      await connector.close();
      await dropIndex();
    },
  };
}
