// The code of the worker thread that owns the embedded PGlite instance. It is plain JavaScript in
// a string (run with `eval`) so that no separate file has to be found next to the compiled code;
// PGlite itself is imported from the absolute URL the parent resolved.
export const PGLITE_WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let db = null;

function failure(error) {
  const out = { message: error && error.message ? String(error.message) : String(error) };
  for (const key of ['code', 'severity', 'detail', 'hint', 'position', 'routine']) {
    if (error && error[key] !== undefined) out[key] = error[key];
  }
  return out;
}

async function open() {
  const { PGlite } = await import(workerData.pgliteUrl);
  fs.mkdirSync(workerData.dataDir, { recursive: true });
  // A fresh data directory starts from the template made at build time: a copy instead of initdb.
  const fresh = !fs.existsSync(workerData.dataDir + '/PG_VERSION');
  if (fresh && workerData.templateDir && fs.existsSync(workerData.templateDir + '/PG_VERSION')) {
    fs.cpSync(workerData.templateDir, workerData.dataDir, { recursive: true });
  }
  db = await PGlite.create({ dataDir: workerData.dataDir, postgresqlconf: ['shared_buffers=' + workerData.sharedBuffersMb + 'MB'] });
}

const opened = open();

parentPort.on('message', async (message) => {
  try {
    await opened;
    if (message.op === 'query') {
      const result = await db.query(message.text, message.params);
      parentPort.postMessage({ id: message.id, rows: result.rows });
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
  () => parentPort.postMessage({ id: 0, rows: [] }),
  (error) => parentPort.postMessage({ id: 0, error: failure(error) }),
);
`;
