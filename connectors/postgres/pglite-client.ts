// SqlClient over embedded PGlite (Postgres compiled to WebAssembly), data kept in a directory.
// PGlite runs in a worker thread, so a long statement never blocks the server's event loop;
// it is one backend, so a queue keeps a session's statements from interleaving with others'.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { raceWithSignal } from '../contract/abort.js';
import { lockDataDir } from './data-dir-lock.js';
import { PGLITE_WORKER_CODE } from './pglite-worker-code.js';
import { pgliteTemplateDir } from './pglite-template.js';
import { abortReason, throwIfAborted, type QueryOptions, type SqlClient, type SqlSession } from './sql-client.js';

export interface PgliteClientOptions {
  /** Directory of the database files; created when missing (from the build's template when there is one). */
  dataDir: string;
  /** Postgres shared_buffers in MB; small keeps the embedded default's memory low. */
  sharedBuffersMb: number;
  /** A data directory to copy into a fresh `dataDir`; null: initdb. Default: the build's template, if any. */
  templateDir?: string | null;
}

interface Reply {
  id: number;
  rows?: unknown[];
  error?: { message: string; code?: string };
}

/** PGlite's ESM entry, as an absolute URL the worker can import from anywhere. */
function pgliteUrl(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const esm = path.join(path.dirname(entry), 'index.js');
  return pathToFileURL(existsSync(esm) ? esm : entry).href;
}

/** An Error carrying the SQLSTATE and fields PGlite gave, as the pg client's errors do. */
function toError(failure: NonNullable<Reply['error']>): Error {
  return Object.assign(new Error(failure.message), failure);
}

/** One PGlite worker on the data directory: statements in, rows or an error out. */
interface WorkerChannel {
  request(op: 'query' | 'exec', text: string, params?: readonly unknown[], named?: boolean): Promise<unknown[]>;
  /** Closes PGlite (its files are then consistent) and ends the thread. */
  stop(): Promise<void>;
  /** Whether it made the data directory by initdb (no template to copy). */
  readonly ranInitdb: boolean;
}

async function startWorker(options: PgliteClientOptions): Promise<WorkerChannel> {
  const worker = new Worker(PGLITE_WORKER_CODE, {
    eval: true,
    workerData: {
      pgliteUrl: pgliteUrl(),
      dataDir: options.dataDir,
      sharedBuffersMb: options.sharedBuffersMb,
      templateDir: options.templateDir === undefined ? pgliteTemplateDir() : options.templateDir,
    },
  });
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited: Error | null = null;

  // The worker keeps the process alive only while a request is waiting for it.
  const settle = (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.error) waiter.reject(toError(reply.error));
    else waiter.resolve(reply.rows ?? []);
  };
  worker.on('message', settle);
  const failAll = (error: Error) => {
    exited = error;
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(error);
    }
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`PGlite worker exited (${code})`)));

  function request(op: 'query' | 'exec' | 'close', text: string, params: readonly unknown[] = [], named = false, id = nextId++): Promise<unknown[]> {
    if (exited) return Promise.reject(exited);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      if (id !== 0) worker.postMessage({ id, op, text, params, named });
    });
  }

  // Opening (template copy or initdb, then start-up) is reported as request 0.
  let opened: unknown[];
  try {
    opened = await request('query', '', [], false, 0);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    request,
    ranInitdb: (opened[0] as { ranInitdb?: boolean } | undefined)?.ranInitdb === true,
    async stop() {
      if (exited) return;
      await request('close', '').catch(() => undefined);
      await worker.terminate();
    },
  };
}

export async function openPgliteClient(options: PgliteClientOptions, signal: AbortSignal): Promise<SqlClient> {
  throwIfAborted(signal);
  await mkdir(options.dataDir, { recursive: true });
  // Before anything reads the files: another process's PGlite on them would lose writes.
  const lock = lockDataDir(options.dataDir);
  let channel: WorkerChannel;
  try {
    channel = await startWorker(options);
    if (channel.ranInitdb) {
      // initdb in WebAssembly leaves the worker's heap ~500 MB larger, and a WebAssembly heap
      // never shrinks; a fresh worker on the files it made starts at a restart's size.
      await channel.stop();
      channel = await startWorker(options);
    }
  } catch (error) {
    lock.release();
    throw error;
  }

  let tail: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after everything queued before it; nothing queued after it starts before it ends. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A statement can't be interrupted inside PGlite, so an aborted caller is answered at once and
   * the statement's result dropped; the queue moves on when the worker is done with it.
   */
  function answered<T>(work: Promise<T>, querySignal: AbortSignal): Promise<T> {
    // the SQL clients answer an abort with abortReason (an Error even when the reason is not one)
    return raceWithSignal(work, querySignal).catch((error: unknown) => {
      throw querySignal.aborted && error === querySignal.reason ? abortReason(querySignal) : error;
    });
  }

  const direct: SqlSession = {
    // A named query (the connector's hot read-only statements) runs as a prepared statement in the worker.
    async query<R extends object>(text: string, params: readonly unknown[], querySignal: AbortSignal, queryOptions?: QueryOptions) {
      throwIfAborted(querySignal);
      return (await channel.request('query', text, params, queryOptions?.name !== undefined)) as R[];
    },
    async exec(script: string, execSignal: AbortSignal) {
      throwIfAborted(execSignal);
      await channel.request('exec', script);
    },
  };

  return {
    backend: 'pglite',
    query<R extends object>(text: string, params: readonly unknown[], querySignal: AbortSignal, queryOptions?: QueryOptions) {
      return answered(
        exclusive(() => direct.query<R>(text, params, querySignal, queryOptions)),
        querySignal,
      );
    },
    exec: (script, execSignal) =>
      answered(
        exclusive(() => direct.exec(script, execSignal)),
        execSignal,
      ),
    withSession: (fn, sessionSignal) =>
      exclusive(async () => {
        throwIfAborted(sessionSignal);
        return fn(direct);
      }),
    async close() {
      await exclusive(async () => {
        await channel.stop();
        lock.release();
      });
    },
  };
}
