// The sources bench:acl measures, each built twice from SciFact (as it is, and with a random ACL
// on every document): a markdown folder, managed Postgres (ingested with `acl`) and a Postgres
// table of one's own mapped with `acl_column` (the unrestricted twin maps the same table without it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Connector } from '../../connectors/contract/types.js';
import { markdownFactory } from '../../connectors/markdown/index.js';
import type { CorpusDoc } from '../federation/scifact.js';
import { dropSchema, iterate, silentLogger, startPostgresSource } from '../relevance/postgres-rows.js';

/** One source kind: the unrestricted corpus, and the same corpus with ACLs. */
export interface SourcePair {
  kind: string;
  plain: Connector;
  restricted: Connector;
  close(): Promise<void>;
}

function writeFolder(dir: string, corpus: readonly CorpusDoc[], acls: ReadonlyMap<string, string[]> | null): void {
  mkdirSync(dir, { recursive: true });
  for (const doc of corpus) {
    const acl = acls?.get(doc.id);
    const front = `---\ntitle: ${JSON.stringify(doc.title)}\n${acl ? `acl: ${JSON.stringify(acl)}\n` : ''}---\n\n`;
    writeFileSync(path.join(dir, `${doc.id}.md`), front + doc.text);
  }
}

async function openFolder(name: string, dir: string): Promise<Connector> {
  const config = markdownFactory.configSchema.parse({ name, kind: 'markdown', dir, refresh_interval_ms: 3_600_000 });
  const connector = markdownFactory.create(config, { logger: silentLogger, dataDir: dir, env: {} });
  await connector.start?.(AbortSignal.timeout(600_000));
  return connector;
}

export async function markdownPair(root: string, corpus: readonly CorpusDoc[], acls: ReadonlyMap<string, string[]>): Promise<SourcePair> {
  writeFolder(path.join(root, 'plain'), corpus, null);
  writeFolder(path.join(root, 'acl'), corpus, acls);
  const plain = await openFolder('plain', path.join(root, 'plain'));
  const restricted = await openFolder('acl', path.join(root, 'acl'));
  return { kind: 'markdown', plain, restricted, close: async () => void (await Promise.all([plain.close(), restricted.close()])) };
}

const SCHEMAS = { plain: 'acl_bench_plain', restricted: 'acl_bench_acl', table: 'acl_bench_table' } as const;

/** The managed `documents` table, filled through the connector's ingest (the `acl` of each document). */
export async function managedPostgresPair(url: string, corpus: readonly CorpusDoc[], acls: ReadonlyMap<string, string[]>): Promise<SourcePair> {
  const started = [] as Connector[];
  const open = async (name: string, schema: string, withAcl: boolean) => {
    await dropSchema(url, schema);
    const connector = await startPostgresSource({ name, url, schema, pool_size: 2 }, tmpdir());
    started.push(connector);
    const documents = corpus.map((doc) => ({ id: doc.id, title: doc.title, text: doc.text, ...(withAcl ? { acl: acls.get(doc.id) ?? [] } : {}) }));
    const summary = await connector.ingest!(iterate(documents), { signal: AbortSignal.timeout(900_000) });
    if (summary.failed.length > 0) throw new Error(`${name}: ${summary.failed.length} documents refused`);
    return connector;
  };
  const close = async () => {
    await Promise.all(started.map((connector) => connector.close()));
    for (const schema of [SCHEMAS.plain, SCHEMAS.restricted]) await dropSchema(url, schema);
  };
  try {
    return { kind: 'postgres (managed)', plain: await open('plain', SCHEMAS.plain, false), restricted: await open('acl', SCHEMAS.restricted, true), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A table of one's own with a GIN-indexed tsvector and a text[] ACL column. */
export async function mappedTablePair(url: string, corpus: readonly CorpusDoc[], acls: ReadonlyMap<string, string[]>): Promise<SourcePair> {
  const schema = SCHEMAS.table;
  await dropSchema(url, schema);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const started = [] as Connector[];
  const close = async () => {
    await Promise.all(started.map((connector) => connector.close()));
    await dropSchema(url, schema);
  };
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".scifact (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, readers text[], tsv tsvector)`);
    // One statement: the ACLs travel as comma-joined text (principals hold no commas here).
    await admin.query(
      `INSERT INTO "${schema}".scifact (id, title, body, readers)
       SELECT id, title, body, string_to_array(readers, ',') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, title, body, readers)`,
      [corpus.map((doc) => doc.id), corpus.map((doc) => doc.title), corpus.map((doc) => doc.text), corpus.map((doc) => (acls.get(doc.id) ?? []).join(','))],
    );
    await admin.query(`UPDATE "${schema}".scifact SET tsv = to_tsvector('english', title || ' ' || body)`);
    await admin.query(`CREATE INDEX ON "${schema}".scifact USING gin (tsv)`);
    await admin.query(`ANALYZE "${schema}".scifact`);
    const table = { schema, name: 'scifact', columns: { id: 'id', title: 'title', body: 'body', tsvector: 'tsv' } };
    const open = async (name: string, mapping: Record<string, unknown>) => {
      const connector = await startPostgresSource({ name, url, pool_size: 2, table: mapping }, tmpdir());
      started.push(connector);
      return connector;
    };
    return { kind: 'postgres (mapped table)', plain: await open('plain', table), restricted: await open('acl', { ...table, acl_column: 'readers' }), close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    await admin.end();
  }
}
