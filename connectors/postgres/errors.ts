// Maps pg / PGlite failures onto the project's SourceError codes with one-line messages;
// the detail goes to the log, never to the agent.
import { isAbortError, KnowledgeError, SourceError } from '../contract/errors.js';
import type { ConnectorContext } from '../contract/types.js';

interface DatabaseErrorLike {
  code?: unknown;
  message?: unknown;
}

/** SQLSTATE for "invalid text representation" and "out of range": a malformed id, not a failure. */
export function isInvalidInputError(error: unknown): boolean {
  const code = (error as DatabaseErrorLike | null)?.code;
  return code === '22P02' || code === '22003' || code === '22007' || code === '22008';
}

/**
 * The connection itself is gone (the backend was terminated, the socket reset): not an answer
 * about the statement, which on a connection that had been idle never reached a backend.
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as DatabaseErrorLike | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === '57P02')) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|ECONNRESET|EPIPE|not queryable/i.test(message);
}

export function toSourceError(error: unknown, operation: string, logger: ConnectorContext['logger']): Error {
  if (isAbortError(error) || error instanceof KnowledgeError) return error as Error;
  const code = typeof (error as DatabaseErrorLike | null)?.code === 'string' ? ((error as DatabaseErrorLike).code as string) : '';
  const message = error instanceof Error ? error.message : String(error);
  logger.warn({ operation, code, err: message }, `postgres ${operation} failed`);
  if (code === '57014') return new SourceError('SOURCE_TIMEOUT', `postgres ${operation} hit the statement timeout`, { cause: error });
  if (code === '42P01' || code === '3F000') {
    return new SourceError('SOURCE_ERROR', `postgres ${operation} failed: tables missing (run knowledge-mcp migrate)`, { cause: error });
  }
  const unreachable =
    isConnectionLoss(error) ||
    code.startsWith('28') ||
    code === '3D000' ||
    code === '57P03' ||
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timeout exceeded when trying to connect/i.test(message);
  if (unreachable) return new SourceError('SOURCE_UNAVAILABLE', 'postgres is unreachable', { cause: error });
  return new SourceError('SOURCE_ERROR', `postgres ${operation} failed${code ? ` (SQLSTATE ${code})` : ''}`, { cause: error });
}

/** What a health answer may say about a failure: a message written for callers, else a generic line. */
export function healthDetail(failure: Error): string {
  return failure instanceof KnowledgeError && failure.expose ? failure.message : 'postgres health check failed';
}
