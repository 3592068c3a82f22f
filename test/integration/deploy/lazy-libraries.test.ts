// The Elasticsearch client (with undici), the Redis client, the pg driver and jose cost ~70 MB of
// memory and part of the start-up between them; a server that has no Elasticsearch source, no
// REDIS_URL, no server Postgres source and no OAuth (the demo, a single instance) must never load
// them. A module-resolution hook in the built server's process records every import of them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hasBuild, spawnServer, type SpawnedServer } from '../../helpers/spawn-server.js';

const WATCHED = ['@elastic/elasticsearch', 'ioredis', 'jose', 'pg'];
const RUNBOOKS = path.resolve('demo/runbooks');

/** A `--import` module that registers a resolve hook appending each watched specifier to `log`. */
function importRecorder(log: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmcp-imports-'));
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
const watched = new Set(${JSON.stringify(WATCHED)});
export async function resolve(specifier, context, next) {
  if (watched.has(specifier)) appendFileSync(${JSON.stringify(log)}, specifier + '\\n');
  return next(specifier, context);
}
`,
  );
  writeFileSync(
    path.join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
  );
  writeFileSync(log, '');
  return ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href];
}

function loaded(log: string): string[] {
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].sort();
}

async function search(server: SpawnedServer): Promise<number> {
  const response = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'deploy rollback' } } }),
  });
  return response.status;
}

describe.skipIf(!hasBuild)('libraries loaded only for the sources and services configured', () => {
  let server: SpawnedServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('loads none of them without such sources, REDIS_URL or OAuth', async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kmcp-imports-log-')), 'imports.log');
    server = await spawnServer({ config: { sources: [{ name: 'runbooks', kind: 'markdown', dir: RUNBOOKS }] }, nodeOptions: importRecorder(log) });
    expect(await search(server)).toBe(200);
    expect(loaded(log)).toEqual([]);
  });

  it('loads each once something configured needs it', async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'kmcp-imports-log-')), 'imports.log');
    server = await spawnServer({
      // Nothing listens there: the sources fail to connect, after their clients were loaded.
      config: {
        sources: [
          { name: 'runbooks', kind: 'markdown', dir: RUNBOOKS },
          { name: 'es', kind: 'elasticsearch', node: 'http://127.0.0.1:1', index: 'docs', request_timeout_ms: 500 },
          { name: 'pgsql', kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', connect_timeout_ms: 500 },
        ],
      },
      env: { REDIS_URL: 'redis://127.0.0.1:6379' },
      nodeOptions: importRecorder(log),
    });
    expect(await search(server)).toBe(200);
    // jose waits for the first bearer token (OAuth's own tests cover verification).
    expect(loaded(log)).toEqual(['@elastic/elasticsearch', 'ioredis', 'pg']);
  });
});
