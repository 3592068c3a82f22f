// The project's error classes: one stable `code`, an `expose` decision and a `cause`.
// Only exposed messages ever reach an agent; everything else is logged and answered generically.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'UNKNOWN_SOURCE'
  | 'FORBIDDEN'
  | 'INVALID_CURSOR'
  | 'SOURCE_TIMEOUT'
  | 'SOURCE_UNAVAILABLE'
  | 'SOURCE_SUSPENDED'
  | 'SOURCE_ERROR'
  | 'READ_ONLY_SOURCE'
  | 'INGEST_FAILED'
  | 'CONFIG_INVALID'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export interface KnowledgeErrorOptions {
  /** Whether the message is safe to show to the caller (no internals, no secrets). */
  expose?: boolean;
  cause?: unknown;
  /** HTTP-ish status for errors that surface at the HTTP edge. */
  status?: number;
}

export class KnowledgeError extends Error {
  readonly code: ErrorCode;
  readonly expose: boolean;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: KnowledgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KnowledgeError';
    this.code = code;
    this.expose = options.expose ?? true;
    this.status = options.status ?? 400;
  }
}

/** A backend failed; the message is a one-liner fit for the per-source report. */
export class SourceError extends KnowledgeError {
  constructor(code: 'SOURCE_TIMEOUT' | 'SOURCE_UNAVAILABLE' | 'SOURCE_ERROR' | 'SOURCE_SUSPENDED', message: string, options: KnowledgeErrorOptions = {}) {
    super(code, message, { status: 502, ...options });
    this.name = 'SourceError';
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** The text an agent may see for any error: exposed messages verbatim, the rest generic. */
export function describeForCaller(error: unknown, requestId: string): string {
  if (error instanceof KnowledgeError && error.expose) return `${error.code}: ${error.message}`;
  return `internal error (request id ${requestId})`;
}
