// The Elasticsearch source: connects once (version probe, field detection), then searches, gets,
// counts and ingests through the official client, every call bound to the caller's AbortSignal.
import type { Client } from '@elastic/elasticsearch';
import { KnowledgeError, SourceError, isAbortError } from '../contract/errors.js';
import type {
  CollectionStatistics,
  Connector,
  ConnectorContext,
  IngestDocument,
  IngestOptions,
  IngestSummary,
  SearchRequest,
  SourceDocument,
  SourceHealth,
  SourceHit,
  StatisticsRequest,
} from '../contract/types.js';
import { buildClientOptions, clientForCluster, createClient, probeCluster, type ClientSettings, type ClusterInfo } from './client.js';
import { isSingleName, type ElasticsearchSourceConfig } from './config.js';
import { errorBodyType, translateError } from './errors.js';
import { isResponseError } from './library.js';
import { flattenMapping, resolveFields, type FieldMap } from './fields.js';
import { assertWritableIndex, ensureIndex, ingestDocuments } from './ingest.js';
import { buildIdQuery, buildSearchBody, buildStatisticsQueries, parseDocument, parseSearchHits } from './query.js';
import { raceWithSignal as raceAbort } from '../contract/abort.js';

interface Ready {
  client: Client;
  cluster: ClusterInfo;
  fields: FieldMap;
}

type Source = Record<string, unknown>;

export class ElasticsearchConnector implements Connector {
  readonly kind = 'elasticsearch';
  readonly name: string;
  readonly description: string;
  readonly #config: ElasticsearchSourceConfig;
  readonly #settings: ClientSettings;
  readonly #logger: ConnectorContext['logger'];
  #connecting: Promise<Ready> | null = null;
  #client: Client | null = null;
  #closed = false;

  constructor(config: ElasticsearchSourceConfig, settings: ClientSettings, logger: ConnectorContext['logger']) {
    this.#config = config;
    this.#settings = settings;
    this.#logger = logger;
    this.name = config.name;
    this.description = config.description ?? `Documents in the Elasticsearch index "${config.index}".`;
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.#ready(signal);
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    const { signal } = request;
    const ready = await this.#ready(signal);
    const body = buildSearchBody(request, ready.fields, this.#config.boosts);
    if (body === null) return [];
    try {
      const response = await ready.client.search<Source>({ index: this.#config.index, ...body }, { signal });
      return parseSearchHits(response, ready.fields).slice(0, request.limit);
    } catch (error) {
      throw translateError(error, signal, this.#config.index);
    }
  }

  /**
   * Document counts for the federation's global statistics (issue 17), one `_count` per word in
   * parallel (remembered by the federation per generation). Elasticsearch scores with its own
   * BM25 statistics, so its hits are re-scored in the federation; these counts put its documents
   * into everyone else's IDFs. Lengths are not exposed by `_count`: the unit is its own.
   */
  async collectionStatistics(request: StatisticsRequest): Promise<CollectionStatistics> {
    const { signal } = request;
    const ready = await this.#ready(signal);
    const queries = buildStatisticsQueries(request.words, ready.fields);
    const empty = { documentCount: 0, averageLength: 0, lengthUnit: `elasticsearch:${this.name}`, documentFrequencies: {} };
    if (queries === null) return empty;
    const count = async (query: (typeof queries)['all']) => (await ready.client.count({ index: this.#config.index, query }, { signal })).count;
    try {
      const [documentCount, ...frequencies] = await Promise.all([count(queries.all), ...queries.perWord.map(count)]);
      const documentFrequencies: Record<string, number> = {};
      request.words.forEach((word, index) => {
        const df = frequencies[index];
        if (typeof df === 'number') documentFrequencies[word] = df;
      });
      return { ...empty, documentCount: typeof documentCount === 'number' ? documentCount : 0, documentFrequencies };
    } catch (error) {
      throw translateError(error, signal, this.#config.index);
    }
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    const ready = await this.#ready(signal);
    const index = this.#config.index;
    // A caller with principals on an index with permissions is answered by the filtered ids query:
    // the cluster applies the same ACL clause as search, so the two can never disagree.
    const filtered = ready.fields.acl != null && principals !== null && principals !== undefined;
    try {
      // `_doc` is real-time and cheap, but only for one index and the default routing; an alias
      // over several indexes, a pattern or a custom-routed document needs the ids query below.
      // `.` and `..` would be resolved away as URL path segments by `_doc/{id}`; the ids query takes them as they are.
      if (!filtered && isSingleName(index) && ready.fields.id === '_id' && nativeId !== '.' && nativeId !== '..') {
        const direct = await this.#getDirect(ready, nativeId, signal);
        if (direct !== null) return direct;
      }
      const response = await ready.client.search<Source>(
        { index, size: 1, track_total_hits: false, query: buildIdQuery(nativeId, ready.fields, principals) },
        { signal },
      );
      const hit = response.hits.hits[0];
      return hit === undefined ? null : parseDocument(nativeId, hit._index, hit._source, ready.fields);
    } catch (error) {
      throw translateError(error, signal, index);
    }
  }

  async #getDirect(ready: Ready, nativeId: string, signal: AbortSignal): Promise<SourceDocument | null> {
    try {
      const response = await ready.client.get<Source>({ index: this.#config.index, id: nativeId }, { signal });
      return response.found ? parseDocument(nativeId, response._index, response._source, ready.fields) : null;
    } catch (error) {
      if (!isResponseError(error)) throw error;
      const { type } = errorBodyType(error.body);
      // 404 without an error type is "document not found"; an alias over several indexes is a 400.
      if ((error.meta.statusCode === 404 && type === null) || type === 'illegal_argument_exception') return null;
      throw error;
    }
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    try {
      const ready = await this.#ready(signal);
      const response = await ready.client.count({ index: this.#config.index }, { signal });
      return { ok: true, documentCount: response.count };
    } catch (error) {
      if (signal.aborted || isAbortError(error)) throw error;
      const failure = error instanceof KnowledgeError ? error : translateError(error, signal, this.#config.index);
      const exposed = failure instanceof KnowledgeError && failure.expose;
      return { ok: false, documentCount: null, detail: exposed ? failure.message : 'unexpected failure' };
    }
  }

  async ingest(documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<IngestSummary> {
    const index = this.#config.index;
    assertWritableIndex(index, isSingleName(index));
    const ready = await this.#ready(options.signal);
    const target = {
      client: ready.client,
      index,
      fields: ready.fields,
      retries: this.#config.bulk_retries,
      retryWaitMs: this.#config.bulk_retry_wait_ms,
    };
    try {
      if (await ensureIndex(target, options.signal)) this.#logger.info({ index }, 'created the Elasticsearch index');
      return await ingestDocuments(target, documents, options);
    } catch (error) {
      throw translateError(error, options.signal, index);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    this.#connecting = null;
    if (client !== null) await client.close();
  }

  /**
   * Connects once, on a deadline of its own so that one impatient caller cannot fail the
   * connection for the others; each caller still stops waiting when its own signal aborts.
   * A transient failure is forgotten so that the next call tries again.
   */
  #ready(signal: AbortSignal): Promise<Ready> {
    if (this.#closed) return Promise.reject(new SourceError('SOURCE_UNAVAILABLE', 'the source is closed'));
    if (this.#connecting === null) {
      const connecting = this.#connect(AbortSignal.timeout(this.#settings.requestTimeoutMs));
      this.#connecting = connecting;
      connecting.catch((error: unknown) => {
        if (!(error instanceof KnowledgeError && error.code === 'CONFIG_INVALID') && this.#connecting === connecting) {
          this.#connecting = null;
        }
      });
    }
    return raceAbort(this.#connecting, signal);
  }

  async #connect(signal: AbortSignal): Promise<Ready> {
    try {
      return await this.#connectOnce(signal);
    } catch (error) {
      // Our own connect deadline passing is a slow cluster, not a caller giving up.
      if (signal.aborted) throw new SourceError('SOURCE_TIMEOUT', 'the cluster did not answer in time', { cause: error });
      throw error;
    }
  }

  async #connectOnce(signal: AbortSignal): Promise<Ready> {
    const options = await buildClientOptions(this.#settings, signal);
    const probe = await createClient(options);
    this.#client = probe;
    let cluster: ClusterInfo;
    try {
      cluster = await probeCluster(probe, signal, this.#config.index);
    } catch (error) {
      this.#client = null;
      await probe.close();
      throw error;
    }
    const client = await clientForCluster(probe, cluster);
    this.#client = client;
    if (cluster.major > 9) {
      this.#logger.warn({ version: cluster.version }, 'Elasticsearch newer than 9.x: using 9.x compatibility');
    }
    const fields = await this.#detectFields(client, signal);
    this.#logger.info({ version: cluster.version, index: this.#config.index, fields }, 'connected to Elasticsearch');
    return { client, cluster, fields };
  }

  async #detectFields(client: Client, signal: AbortSignal): Promise<FieldMap> {
    const configured = this.#config.fields;
    // The mapping also tells whether a custom id field needs its `.keyword` sub-field for lookups.
    const complete =
      [configured.title, configured.body, configured.url, configured.updated_at].every((f) => f !== undefined) &&
      (configured.id === undefined || configured.id === '_id');
    let mapping: Map<string, string> | null = null;
    if (!complete) {
      try {
        mapping = flattenMapping(await client.indices.getMapping({ index: this.#config.index }, { signal }));
      } catch (error) {
        const missing = isResponseError(error) && errorBodyType(error.body).type === 'index_not_found_exception';
        if (!missing) throw translateError(error, signal, this.#config.index);
        this.#logger.info({ index: this.#config.index }, 'index does not exist yet; using default field names');
      }
    }
    const fields = { ...resolveFields(configured, mapping), acl: this.#config.acl_field ?? null };
    if (fields.title === null && fields.body === null) {
      throw new KnowledgeError(
        'CONFIG_INVALID',
        `source "${this.name}": no text field to search in "${this.#config.index}"; set fields.title and fields.body`,
        { status: 500 },
      );
    }
    return fields;
  }
}
