// SqlClient over a `pg` pool: statement timeout as a backstop, and real cancellation on abort
// (pg_cancel_backend through a separate tiny pool, so a full pool can't block the cancel).
import pg from 'pg';
import type { ConnectorContext } from '../contract/types.js';
import { isConnectionLoss } from './errors.js';
import { abortReason, throwIfAborted, type QueryOptions, type SqlClient, type SqlSession } from './sql-client.js';

export interface PgClientOptions {
  connectionString: string;
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  logger: ConnectorContext['logger'];
}

/**
 * Settings of every pooled session. Our statements are prepared once per connection and their
 * generic plans are the good ones, so the first executions needn't be planned again and again.
 * JIT is off: it compiles a plan's expressions on every execution, never pays for itself on
 * statements that read a few thousand index entries, and once a large corpus pushes the search
 * statement's estimated cost past `jit_above_cost` it added ~75 ms to each search (at 600k
 * documents; docs/benchmarks.md, Postgres at scale).
 */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan -c jit=off';

export function createPgClient(options: PgClientOptions): SqlClient {
  const base = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'knowledge-mcp',
  };
  const pool = new pg.Pool({
    ...base,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    options: SESSION_OPTIONS,
  });
  const cancelPool = new pg.Pool({ ...base, max: 2, idleTimeoutMillis: 10_000 });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.logger.warn({ err: error.message }, 'postgres idle connection error'));
  cancelPool.on('error', () => undefined);

  // A client whose backend dies (pg_terminate_backend, failover, network) emits 'error'; with no
  // listener that crashes the process. The pool listens only while a client is idle, and a
  // listener added when the checkout's promise settles comes too late: a new connection's
  // ReadyForQuery and the server's termination notice can arrive in one socket read, and the
  // notice is emitted in the same tick the pool hands the client out. So every client gets its
  // listener the moment the pool makes it ('connect' is emitted synchronously), for its lifetime.
  // The query in flight fails on its own, and the release after it destroys the connection.
  const lost = new WeakSet<pg.PoolClient>();
  const checkedOut = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => {
      lost.add(client);
      // An idle client's loss is already logged through the pool's 'error' event.
      if (checkedOut.has(client)) options.logger.warn({ err: error.message }, 'postgres connection lost');
    });
  });
  // Connections that answered and went back to the pool. The server can close one while it sits
  // idle (a restart, a failover, pg_terminate_backend); the client may learn it only when its
  // next statement fails, and that statement never reached a backend.
  const served = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  cancelPool.on('connect', (client) => client.on('error', () => undefined));

  async function acquire(signal: AbortSignal): Promise<pg.PoolClient> {
    throwIfAborted(signal);
    const pending = pool.connect();
    return new Promise<pg.PoolClient>((resolve, reject) => {
      const onAbort = () => {
        reject(abortReason(signal));
        // The connection arrives later; hand it straight back.
        pending.then(
          (client) => client.release(),
          () => undefined,
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (client) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return;
          resolve(client);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /**
   * Runs one statement on `client`. On abort the caller is answered at once; the backend query
   * is cancelled and `settled` resolves only when the connection is idle again, so it is never
   * handed to someone else while a cancel for it is still in flight.
   */
  function run<R>(client: pg.PoolClient, config: pg.QueryConfig, signal: AbortSignal): { result: Promise<R[]>; settled: Promise<void> } {
    const pending = client.query(config);
    let cancel: Promise<unknown> = Promise.resolve();
    const onAbort = () => {
      const pid = (client as unknown as { processID: number | null }).processID;
      if (pid !== null) cancel = cancelPool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = pending
      .then(
        () => undefined,
        () => undefined,
      )
      .then(async () => {
        signal.removeEventListener('abort', onAbort);
        await cancel;
      });
    const result = new Promise<R[]>((resolve, reject) => {
      const onAbortAnswer = () => reject(abortReason(signal));
      if (signal.aborted) return onAbortAnswer();
      signal.addEventListener('abort', onAbortAnswer, { once: true });
      pending.then(
        (res) => {
          signal.removeEventListener('abort', onAbortAnswer);
          resolve(res.rows as R[]);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbortAnswer);
          reject(signal.aborted ? abortReason(signal) : error);
        },
      );
    });
    return { result, settled };
  }

  function sessionOn(client: pg.PoolClient, track: (settled: Promise<void>) => void): SqlSession {
    return {
      async query<R extends object>(text: string, params: readonly unknown[], signal: AbortSignal, queryOptions?: QueryOptions) {
        throwIfAborted(signal);
        const { result, settled } = run<R>(client, { text, values: [...params], ...(queryOptions?.name ? { name: queryOptions.name } : {}) }, signal);
        track(settled);
        return result;
      },
      async exec(script: string, signal: AbortSignal) {
        throwIfAborted(signal);
        const { result, settled } = run(client, { text: script }, signal);
        track(settled);
        await result;
      },
    };
  }

  async function withSession<T>(fn: (session: SqlSession) => Promise<T>, signal: AbortSignal, onAcquired?: (reused: boolean) => void): Promise<T> {
    const client = await acquire(signal);
    onAcquired?.(served.has(client));
    const inFlight: Array<Promise<void>> = [];
    let broken = false;
    try {
      return await fn(sessionOn(client, (settled) => inFlight.push(settled)));
    } catch (error) {
      // A plain SQL error (a SQLSTATE) leaves the connection usable; anything else may not have.
      const sqlState = (error as { code?: unknown } | null)?.code;
      broken = signal.aborted || !(typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState));
      throw error;
    } finally {
      // Release only once every statement has finished and any cancel has landed.
      void Promise.all(inFlight).then(() => {
        const discard = broken || lost.has(client);
        if (!discard) served.add(client);
        client.release(discard ? new Error('discarded session') : undefined);
      });
    }
  }

  return {
    backend: 'pg',
    async query(text, params, signal, queryOptions) {
      // A named statement is a read (sql-client.ts), so one sent on a pooled connection the server
      // had closed is asked again on another. Bounded: every stale connection fails once and is
      // discarded, and a failure on a connection made for this call is final.
      for (let attempt = 0; ; attempt += 1) {
        let reused = false;
        try {
          return await withSession(
            (session) => session.query(text, params, signal, queryOptions),
            signal,
            (wasServed) => {
              reused = wasServed;
            },
          );
        } catch (error) {
          if (!queryOptions?.name || !reused || attempt >= options.poolSize || signal.aborted || !isConnectionLoss(error)) throw error;
        }
      }
    },
    exec(script, signal) {
      return withSession((session) => session.exec(script, signal), signal);
    },
    withSession: (fn, signal) => withSession(fn, signal),
    async close() {
      await Promise.allSettled([pool.end(), cancelPool.end()]);
    },
  };
}
