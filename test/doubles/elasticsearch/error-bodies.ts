// Error bodies of the Elasticsearch double, in the documented `{error:{root_cause,type,reason},status}`
// shape; test/fixtures/elasticsearch/error-*.json hold the real-cluster originals they mirror.

export interface EsError {
  status: number;
  body: { error: Record<string, unknown> & { type: string; reason: string }; status: number };
  headers?: Record<string, string>;
}

/** An error whose root cause is itself (the common case), with extra keys on both. */
export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): EsError {
  const cause = { type, reason, ...extra };
  return { status, body: { error: { root_cause: [cause], ...cause }, status } };
}

export function indexNotFound(index: string): EsError {
  return esError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  });
}

export function resourceAlreadyExists(index: string, uuid: string): EsError {
  return esError(400, 'resource_already_exists_exception', `index [${index}/${uuid}] already exists`, {
    index_uuid: uuid,
    index,
  });
}

export function rejectedExecution(pool = 'search'): EsError {
  return esError(
    429,
    'es_rejected_execution_exception',
    `rejected execution of org.elasticsearch.common.util.concurrent.TimedRunnable@5e1b8c8f on QueueResizingEsThreadPoolExecutor[name = es01/${pool}, queue capacity = 1000, task execution EWMA = 2.1ms]`,
  );
}

/** A busy or recovering cluster: no shard could answer. */
export function allShardsFailed(): EsError {
  return {
    status: 503,
    body: {
      error: {
        root_cause: [],
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        phase: 'query',
        grouped: true,
        failed_shards: [],
      },
      status: 503,
    },
  };
}

export function mediaTypeHeader(detail: string): EsError {
  const reason = 'Invalid media-type value on headers [Accept, Content-Type]';
  return {
    status: 400,
    body: {
      error: {
        root_cause: [{ type: 'media_type_header_exception', reason }],
        type: 'media_type_header_exception',
        reason,
        caused_by: { type: 'status_exception', reason: detail },
      },
      status: 400,
    },
  };
}

const WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

export function securityException(path: string, presented: boolean): EsError {
  const reason = presented
    ? `unable to authenticate with provided credentials and anonymous access is not allowed for this request`
    : `missing authentication credentials for REST request [${path}]`;
  const error = esError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
  return { ...error, headers: { 'www-authenticate': WWW_AUTHENTICATE.join(', ') } };
}

/** Elasticsearch answers an unknown route with a bare string error. */
export function noHandler(method: string, path: string): { status: number; body: unknown } {
  return { status: 400, body: { error: `no handler found for uri [${path}] and method [${method}]` } };
}

export function parsingException(reason: string): EsError {
  return esError(400, 'parsing_exception', reason, { line: 1, col: 1 });
}

/** Queries the double does not model: a loud, honest refusal rather than a wrong answer. */
export function unsupportedByDouble(what: string): EsError {
  return esError(400, 'double_unsupported_exception', `the Elasticsearch test double does not implement ${what}`);
}
