// What callers see of a failing source (health `detail` for /readyz and the status page, exposed
// search errors for agents) names the source at most: never an internal host, a credential, or
// a filesystem path. Every connector kind is pointed at a private host (.invalid, so DNS fails
// fast) with credentials, and at a private folder, and everything it lets callers see is checked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import type { Connector } from '../../../connectors/contract/types.js';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';

const HOST = 'kb-internal.invalid';
const SECRET = 'hunter2-s3cret';
const logger = { debug() {}, info() {}, warn() {}, error() {} };
let privateDir: string;

function sourcesOf(dir: string): Array<Record<string, unknown>> {
  return [
    { name: 'pg', kind: 'postgres', url: `postgres://app:${SECRET}@${HOST}:5432/kb`, migrate: false, connect_timeout_ms: 2000 },
    {
      name: 'pgtable',
      kind: 'postgres',
      url: `postgres://app:${SECRET}@${HOST}:5432/kb`,
      table: { name: 'docs', columns: { id: 'id', title: 'title', body: 'body' } },
      connect_timeout_ms: 2000,
    },
    { name: 'es', kind: 'elasticsearch', node: `https://elastic:${SECRET}@${HOST}:9200`, index: 'docs', request_timeout_ms: 2000 },
    { name: 'esca', kind: 'elasticsearch', node: `https://${HOST}:9200`, index: 'docs', api_key: SECRET, tls: { ca_file: path.join(dir, 'ca.pem') } },
    { name: 'wiki', kind: 'mediawiki', url: `https://${HOST}/w/api.php`, username: 'bot@kb', password: SECRET },
    { name: 'conf', kind: 'confluence', url: `https://${HOST}/wiki`, token: SECRET },
    { name: 'notes', kind: 'markdown', dir: path.join(dir, 'team-notes') },
  ];
}

/** What a caller could see of a rejection: only exposed messages leave the server. */
function visible(error: unknown): string | null {
  return error instanceof KnowledgeError && error.expose ? error.message : null;
}

beforeAll(async () => {
  privateDir = await mkdtemp(path.join(tmpdir(), 'private-internal-'));
});
afterAll(async () => {
  await rm(privateDir, { recursive: true, force: true });
});

describe('failing sources expose no hosts, credentials or paths', () => {
  it.each(['pg', 'pgtable', 'es', 'esca', 'wiki', 'conf', 'notes'])('%s', async (name) => {
    const entry = sourcesOf(privateDir).find((source) => source.name === name);
    const factory = CONNECTOR_FACTORIES.find((candidate) => candidate.kind === entry?.kind);
    if (entry === undefined || factory === undefined) throw new Error(`no source ${name}`);
    const connector: Connector = factory.create(factory.configSchema.parse(entry), { logger, dataDir: privateDir, env: {} });
    const seen: string[] = [];
    const signal = () => AbortSignal.timeout(8000);
    try {
      await connector.start?.(signal()).catch((error: unknown) => seen.push(visible(error) ?? ''));
      const health = await connector.health(signal()).catch((error: unknown) => ({ ok: false, detail: visible(error) ?? '' }));
      expect(health.ok).toBe(false);
      seen.push(health.detail ?? '');
      await connector.search({ query: 'leave policy', limit: 5, updatedAfter: null, signal: signal() }).then(
        () => seen.push('search succeeded'),
        (error: unknown) => seen.push(visible(error) ?? ''),
      );
    } finally {
      await connector.close();
    }
    const text = seen.join('\n');
    expect(text).not.toContain(HOST);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(privateDir);
    expect(text).not.toContain('private-internal');
  });
});
