// The code of the worker thread that owns the embedded PGlite instance. It is plain JavaScript in
// a string (run with `eval`) so that no separate file has to be found next to the compiled code;
// PGlite itself is imported from the absolute URL the parent resolved.
//
// PGlite has no statement cache of its own: every query() parses, describes and plans its text
// again, which costs more than running a search over a small corpus. A query the connector names
// (its hot, read-only statements) is prepared once as a named statement and then only bound and
// executed, the way the pg driver reuses server-side prepared statements.
export const PGLITE_WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let db = null;
let serialize = null;
let parseResults = null;

/** Statement text -> { name, types } of its prepared statement; bounded, texts are a fixed few. */
const prepared = new Map();
const MAX_PREPARED = 64;
let preparedCount = 0;
const NO_SYNC = { syncToFs: false };

async function preparedFor(text) {
  const known = prepared.get(text);
  if (known) return known;
  if (prepared.size >= MAX_PREPARED) return null;
  preparedCount += 1;
  const name = 'kmcp_prepared_' + preparedCount;
  const { messages } = await db.execProtocol(
    Buffer.concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
    NO_SYNC,
  );
  const description = messages.find((message) => message.name === 'parameterDescription');
  const entry = { name, types: description ? description.dataTypeIDs : [] };
  prepared.set(text, entry);
  return entry;
}

/** Bind, describe, execute and sync in one call into the backend; rows parsed as query() parses them. */
async function runPrepared(entry, params) {
  const values = params.map((value, index) => {
    if (value === null || value === undefined) return null;
    const serializer = db.serializers[entry.types[index]];
    return serializer ? serializer(value) : value.toString();
  });
  const message = Buffer.concat([
    serialize.bind({ statement: entry.name, values }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  try {
    const { messages } = await db.execProtocol(message, NO_SYNC);
    const [result] = parseResults(messages, db.parsers);
    return result ? result.rows : [];
  } catch (error) {
    // The Sync in the same message ends the failed exchange; one more is harmless and makes sure.
    await db.execProtocol(serialize.sync(), NO_SYNC).catch(() => undefined);
    throw error;
  }
}

async function namedQuery(text, params, retried) {
  let entry;
  try {
    entry = await preparedFor(text);
  } catch (error) {
    await db.execProtocol(serialize.sync(), NO_SYNC).catch(() => undefined);
    throw error;
  }
  if (!entry) return (await db.query(text, params)).rows;
  try {
    return await runPrepared(entry, params);
  } catch (error) {
    // 'cached plan must not change result type': a table changed shape since it was prepared.
    if (retried || !error || error.code !== '0A000') throw error;
    prepared.delete(text);
    await db.execProtocol(Buffer.concat([serialize.close({ type: 'S', name: entry.name }), serialize.sync()]), NO_SYNC).catch(() => undefined);
    return namedQuery(text, params, true);
  }
}

function failure(error) {
  const out = { message: error && error.message ? String(error.message) : String(error) };
  for (const key of ['code', 'severity', 'detail', 'hint', 'position', 'routine']) {
    if (error && error[key] !== undefined) out[key] = error[key];
  }
  return out;
}

async function open() {
  const { PGlite, protocol, parse } = await import(workerData.pgliteUrl);
  serialize = protocol.serialize;
  parseResults = parse.parseResults;
  fs.mkdirSync(workerData.dataDir, { recursive: true });
  // A fresh data directory starts from the template made at build time: a copy instead of initdb.
  const fresh = !fs.existsSync(workerData.dataDir + '/PG_VERSION');
  const fromTemplate = fresh && workerData.templateDir && fs.existsSync(workerData.templateDir + '/PG_VERSION');
  if (fromTemplate) fs.cpSync(workerData.templateDir, workerData.dataDir, { recursive: true });
  // Prepared statements keep one plan, as the pg client's connections do.
  db = await PGlite.create({
    dataDir: workerData.dataDir,
    postgresqlconf: ['shared_buffers=' + workerData.sharedBuffersMb + 'MB', 'plan_cache_mode=force_generic_plan'],
  });
  return { ranInitdb: fresh && !fromTemplate };
}

const opened = open();

parentPort.on('message', async (message) => {
  try {
    await opened;
    if (message.op === 'query') {
      const rows = message.named ? await namedQuery(message.text, message.params) : (await db.query(message.text, message.params)).rows;
      parentPort.postMessage({ id: message.id, rows });
    } else if (message.op === 'exec') {
      await db.exec(message.text);
      parentPort.postMessage({ id: message.id, rows: [] });
    } else if (message.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: message.id, rows: [] });
      parentPort.close();
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: failure(error) });
  }
});

opened.then(
  (outcome) => parentPort.postMessage({ id: 0, rows: [outcome] }),
  (error) => parentPort.postMessage({ id: 0, error: failure(error) }),
);
`;
