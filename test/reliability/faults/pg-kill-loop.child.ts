// Child process for pg-client-kill-loop.test.ts: drives the pg SqlClient (short queries, cancelled
// queries, transactions as ingest runs them) while its backends are terminated in a loop. An
// 'error' event nobody listens for ends this process with a non-zero code, as it would a server.
// Usage: node --import tsx pg-kill-loop.child.ts URL APPLICATION_NAME DURATION_MS
import pg from 'pg';
import { createPgClient } from '../../../connectors/postgres/pg-client.js';

const [url = '', applicationName = '', durationText = '5000'] = process.argv.slice(2);
const target = new URL(url);
target.searchParams.set('application_name', applicationName);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const client = createPgClient({ connectionString: target.toString(), poolSize: 4, statementTimeoutMs: 5000, connectTimeoutMs: 2000, logger: silent });
const admin = new pg.Pool({ connectionString: url, max: 1 });
admin.on('error', () => undefined);

let stop = false;
const counts = { ok: 0, failed: 0, kills: 0 };

async function worker(): Promise<void> {
  while (!stop) {
    const pick = Math.random();
    try {
      if (pick < 0.3) {
        // Often cancelled mid-statement: exercises pg_cancel_backend through the cancel pool.
        await client.query('SELECT pg_sleep(0.02)', [], AbortSignal.timeout(5 + Math.floor(Math.random() * 40)));
      } else if (pick < 0.6) {
        await client.withSession(async (session) => {
          await session.exec('BEGIN', AbortSignal.timeout(2000));
          await session.query('SELECT pg_sleep(0.01)', [], AbortSignal.timeout(2000));
          await session.exec('COMMIT', AbortSignal.timeout(2000));
        }, AbortSignal.timeout(3000));
      } else {
        await client.query('SELECT 1', [], AbortSignal.timeout(2000));
      }
      counts.ok += 1;
    } catch {
      counts.failed += 1;
    }
  }
}

const workers = Array.from({ length: 8 }, () => worker());
const deadline = Date.now() + Number(durationText);
while (Date.now() < deadline) {
  const { rows } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  counts.kills += rows.length;
  // Random gaps so kills land at every stage: idle, mid-query, and right as a connection opens.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
}
stop = true;
await Promise.all(workers);
// The pool heals by itself once the kills stop.
const [after] = await client.query<{ one: number }>('SELECT 1 AS one', [], AbortSignal.timeout(5000));
await client.close();
await admin.end();
process.stdout.write(`${JSON.stringify({ ...counts, recovered: after?.one === 1 })}\n`);
