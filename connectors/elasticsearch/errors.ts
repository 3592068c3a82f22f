// Turns what the Elasticsearch client throws into the project's errors: one exposed line per
// failure (no bodies, no credentials), the original kept as `cause` for the log.
import { SourceError } from '../contract/errors.js';
import { loadedErrorClasses } from './library.js';

/** The `error` object of an Elasticsearch error body (`{error:{root_cause,type,reason},status}`). */
export function errorBodyType(body: unknown): { type: string | null; reason: string | null } {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === 'string') return { type: null, reason: error };
  if (typeof error !== 'object' || error === null) return { type: null, reason: null };
  const { type, reason } = error as { type?: unknown; reason?: unknown };
  return { type: typeof type === 'string' ? type : null, reason: typeof reason === 'string' ? reason : null };
}

/** An error as the abort it is, so the federation recognises it (name `AbortError`/`TimeoutError`). */
function abortReason(signal: AbortSignal, cause: unknown): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('the operation was aborted', { cause });
  error.name = 'AbortError';
  return error;
}

/**
 * Maps a client failure to a `SourceError` (or the caller's abort reason when the caller gave up).
 * `index` is the configured index expression, which the operator chose and may be shown.
 */
export function translateError(error: unknown, signal: AbortSignal, index: string): Error {
  if (signal.aborted) return abortReason(signal, error);
  if (error instanceof SourceError) return error;
  const errors = loadedErrorClasses();
  if (errors === null) return new SourceError('SOURCE_ERROR', 'unexpected failure talking to the cluster', { cause: error, expose: false });
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    const { type } = errorBodyType(error.body);
    const tag = type ?? `HTTP ${status}`;
    if (type === 'index_not_found_exception') {
      return new SourceError('SOURCE_ERROR', `index "${index}" does not exist on the cluster`, { cause: error });
    }
    if (status === 401 || status === 403) {
      return new SourceError('SOURCE_ERROR', `the cluster refused the credentials (${tag})`, { cause: error });
    }
    if (status === 429) {
      return new SourceError('SOURCE_UNAVAILABLE', `the cluster is overloaded and rejected the request (${tag})`, { cause: error });
    }
    if (status >= 500) {
      return new SourceError('SOURCE_UNAVAILABLE', `the cluster failed the request (${tag})`, { cause: error });
    }
    return new SourceError('SOURCE_ERROR', `the cluster rejected the request (${tag})`, { cause: error });
  }
  if (error instanceof errors.TimeoutError) {
    return new SourceError('SOURCE_TIMEOUT', 'the cluster did not answer in time', { cause: error });
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return new SourceError('SOURCE_UNAVAILABLE', 'cannot connect to the cluster', { cause: error });
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return new SourceError('SOURCE_ERROR', 'the server is not Elasticsearch', { cause: error });
  }
  if (error instanceof errors.RequestAbortedError) {
    return new SourceError('SOURCE_TIMEOUT', 'the request was aborted', { cause: error });
  }
  return new SourceError('SOURCE_ERROR', 'unexpected failure talking to the cluster', { cause: error, expose: false });
}
