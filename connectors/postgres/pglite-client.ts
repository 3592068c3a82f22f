// SqlClient over in-process PGlite (Postgres compiled to WebAssembly), data kept in a directory.
// PGlite is one backend: a queue keeps a session's statements from interleaving with others'.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { throwIfAborted, type SqlClient, type SqlSession } from './sql-client.js';

export interface PgliteClientOptions {
  /** Directory of the database files; created when missing. */
  dataDir: string;
  /** Postgres shared_buffers in MB; small keeps the embedded default's memory low. */
  sharedBuffersMb: number;
}

export async function openPgliteClient(options: PgliteClientOptions, signal: AbortSignal): Promise<SqlClient> {
  throwIfAborted(signal);
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    postgresqlconf: [`shared_buffers=${options.sharedBuffersMb}MB`],
  });
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after everything queued before it; nothing queued after it starts before it ends. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  }

  // A PGlite statement runs to completion on the JS thread and can't be interrupted, so abort is
  // honoured before it starts and its result is dropped if the caller gave up meanwhile.
  const direct: SqlSession = {
    async query<R extends object>(text: string, params: readonly unknown[], querySignal: AbortSignal) {
      throwIfAborted(querySignal);
      const result = await db.query<R>(text, [...params]);
      throwIfAborted(querySignal);
      return result.rows;
    },
    async exec(script: string, execSignal: AbortSignal) {
      throwIfAborted(execSignal);
      await db.exec(script);
    },
  };

  return {
    backend: 'pglite',
    query: (text, params, querySignal) => exclusive(() => direct.query(text, params, querySignal)),
    exec: (script, execSignal) => exclusive(() => direct.exec(script, execSignal)),
    withSession: (fn, sessionSignal) =>
      exclusive(async () => {
        throwIfAborted(sessionSignal);
        return fn(direct);
      }),
    async close() {
      await exclusive(() => db.close());
    },
  };
}
