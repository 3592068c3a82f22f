// The small SQL interface the Postgres connector is written against. Two implementations:
// a `pg` pool (pg-client.ts) and in-process PGlite (pglite-client.ts), running the same SQL.

export interface QueryOptions {
  /**
   * Marks a hot read-only statement: prepared once and reused (a named statement on `pg`, in
   * PGlite's worker too), and asked again on another connection when the pooled one it went out
   * on turns out to have been closed by the server. Never name a write.
   */
  name?: string;
}

/** One place to send SQL: the pool (any connection) or one dedicated session. */
export interface SqlSession {
  /** Runs one parameterised statement and returns its rows. Aborting cancels it on the backend. */
  query<R extends object = Record<string, unknown>>(text: string, params: readonly unknown[], signal: AbortSignal, options?: QueryOptions): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations, VACUUM). */
  exec(script: string, signal: AbortSignal): Promise<void>;
}

export interface SqlClient extends SqlSession {
  readonly backend: 'pg' | 'pglite';
  /** Runs `fn` on one connection that nothing else uses meanwhile (transactions, session locks). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>, signal: AbortSignal): Promise<T>;
  close(): Promise<void>;
}

/** The error to throw once `signal` has fired: its own reason when that is an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

/**
 * Runs `fn` inside BEGIN … COMMIT on `session`; any failure rolls back, so a batch is either
 * written whole or not at all.
 */
export async function inTransaction<T>(session: SqlSession, fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  // BEGIN/COMMIT/ROLLBACK must run even when the caller's signal has fired, or the session is left mid-transaction.
  const always = new AbortController().signal;
  await session.exec('BEGIN', always);
  try {
    const result = await fn();
    await session.exec('COMMIT', always);
    return result;
  } catch (error) {
    await session.exec('ROLLBACK', always).catch(() => undefined);
    throw error;
  }
}
