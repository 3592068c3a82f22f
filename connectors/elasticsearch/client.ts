// Builds the official client for the cluster it finds: reads `GET /` once, refuses 7.x and
// OpenSearch, and gives 8.x clusters the `compatible-with=8` media types they accept.
import { readFile } from 'node:fs/promises';
import type { Client, TransportOptions } from '@elastic/elasticsearch';
import { KnowledgeError } from '../contract/errors.js';
import type { ElasticsearchAuth } from './config.js';
import { translateError } from './errors.js';
import { loadElasticsearchLibrary } from './library.js';

/**
 * The 9.x client sends `application/vnd.elasticsearch+json; compatible-with=9`, which an 8.x
 * cluster refuses (400 media_type_header_exception). The client hard-codes these media types in
 * the options it hands its Transport, so a Transport subclass is the one seam that changes them
 * for JSON and NDJSON (bulk) bodies alike, without pinning one content type for every request.
 */
export const COMPATIBLE_WITH_8 = {
  jsonContentType: 'application/vnd.elasticsearch+json; compatible-with=8',
  ndjsonContentType: 'application/vnd.elasticsearch+x-ndjson; compatible-with=8',
  accept: 'application/vnd.elasticsearch+json; compatible-with=8,text/plain',
} as const;

type Library = Awaited<ReturnType<typeof loadElasticsearchLibrary>>;
type TransportClass = Library['SniffingTransport'];

/** The two Transport subclasses below, made once the client library is loaded (they extend its class). */
interface Transports {
  compatible8: TransportClass;
  unchecked: TransportClass;
}

let transports: Transports | null = null;

function transportsOf(library: Library): Transports {
  transports ??= {
    compatible8: class Compatible8Transport extends library.SniffingTransport {
      constructor(options: TransportOptions) {
        super({ ...options, vendoredHeaders: { ...COMPATIBLE_WITH_8 } });
      }
    },
    /**
     * Reads `GET /` with the product check off: the client's own check throws before the body is
     * read, and the body is what tells OpenSearch or an old Elasticsearch apart for a clear message.
     */
    unchecked: class UncheckedTransport extends library.SniffingTransport {
      constructor(options: TransportOptions) {
        super({ ...options, productCheck: undefined });
      }
    },
  };
  return transports;
}

// The ESM build of the client does not re-export this type.
type ClientOptions = NonNullable<ConstructorParameters<typeof Client>[0]>;

/** Plain JSON, which every Elasticsearch version accepts: used for the version probe. */
const UNVERSIONED_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

export interface ClientSettings {
  nodes: string[];
  auth: ElasticsearchAuth;
  caFile: string | undefined;
  caFingerprint: string | undefined;
  requestTimeoutMs: number;
}

export interface ClusterInfo {
  version: string;
  major: number;
}

/** The client options for these settings; reads the CA file (hence async, and only in `start`). */
export async function buildClientOptions(settings: ClientSettings, signal: AbortSignal): Promise<ClientOptions> {
  const options: ClientOptions = {
    nodes: settings.nodes,
    requestTimeout: settings.requestTimeoutMs,
    // Only fail over to another node; retrying one busy node is the federation's call, not ours.
    maxRetries: Math.max(0, settings.nodes.length - 1),
    name: 'knowledge-mcp',
  };
  if (settings.auth !== undefined) options.auth = settings.auth;
  if (settings.caFile !== undefined) {
    options.tls = { ca: await readFile(settings.caFile, { encoding: 'utf8', signal }) };
  }
  if (settings.caFingerprint !== undefined) options.caFingerprint = settings.caFingerprint;
  return options;
}

function unsupported(message: string): KnowledgeError {
  return new KnowledgeError('CONFIG_INVALID', message, { status: 500 });
}

/**
 * Reads the cluster's version with headers every version accepts, and refuses what this
 * connector cannot serve: OpenSearch, servers without `x-elastic-product: Elasticsearch`, 7.x.
 */
export async function probeCluster(client: Client, signal: AbortSignal, index: string): Promise<ClusterInfo> {
  let response: { body: unknown; headers?: Record<string, unknown> | undefined };
  try {
    const probe = client.child({ Transport: transportsOf(await loadElasticsearchLibrary()).unchecked });
    response = await probe.info({}, { signal, headers: UNVERSIONED_HEADERS, meta: true });
  } catch (error) {
    throw translateError(error, signal, index);
  }
  const version = (response.body as { version?: { number?: unknown; distribution?: unknown } } | null)?.version;
  const number = typeof version?.number === 'string' ? version.number : '';
  if (version?.distribution === 'opensearch') {
    throw unsupported(`OpenSearch ${number} is not supported; this connector needs Elasticsearch 8.x or 9.x`);
  }
  if (response.headers?.['x-elastic-product'] !== 'Elasticsearch') {
    throw unsupported(`the server is not Elasticsearch 8.x or 9.x (no x-elastic-product: Elasticsearch header; version ${number || 'unknown'})`);
  }
  const major = Number.parseInt(number, 10);
  if (!Number.isFinite(major)) throw unsupported('the server did not report an Elasticsearch version');
  if (major < 8) {
    throw unsupported(`Elasticsearch ${number} is not supported; this connector needs Elasticsearch 8.x or 9.x`);
  }
  return { version: number, major };
}

/** A new client for these options (the library is loaded on the first call). */
export async function createClient(options: ClientOptions): Promise<Client> {
  const library = await loadElasticsearchLibrary();
  return new library.Client(options);
}

/** A client speaking the media types this cluster's major version accepts. */
export async function clientForCluster(probe: Client, cluster: ClusterInfo): Promise<Client> {
  return cluster.major === 8 ? probe.child({ Transport: transportsOf(await loadElasticsearchLibrary()).compatible8 }) : probe;
}
