// The permission matrix's sources, each holding the same four documents (one per ACL shape): a
// markdown folder, the Elasticsearch double, a managed Postgres source fed through the JSONL
// ingest path, and a Postgres table of the user's own mapped with `acl_column`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { elasticsearchFactory } from '../../../connectors/elasticsearch/index.js';
import { runIngest } from '../../../src/ingest/index.js';
import { startElasticsearchDouble } from '../../doubles/elasticsearch/server.js';
import { PG_URL, postgresUnavailable, uniqueName } from '../../reliability/helpers/postgres.js';
import { createPostgresConnector, sql } from '../postgres/helpers.js';

/** One document per ACL shape; every title carries a canary word that only its readers may see. */
export interface Doc {
  id: string;
  title: string;
  acl?: string[];
  /** The markdown page's URL; the other sources serve theirs under their own host. */
  url: string;
}
export const DOCS: Doc[] = [
  { id: 'open-almanac', title: 'Quarterly almanac for everyone', url: 'https://docs.example.com/open-almanac' },
  { id: 'hr-zebra', title: 'Quarterly zebra salaries', acl: ['group:hr'], url: 'https://docs.example.com/hr-zebra' },
  { id: 'alice-okapi', title: 'Quarterly okapi notes', acl: ['user:alice@example.com'], url: 'https://docs.example.com/alice-okapi' },
  { id: 'svc-narwhal', title: 'Quarterly narwhal ledger', acl: [], url: 'https://docs.example.com/svc-narwhal' },
];
export const FORBIDDEN_WORDS: Record<string, string> = { 'hr-zebra': 'zebra', 'alice-okapi': 'okapi', 'svc-narwhal': 'narwhal' };

export const SOURCES = ['md', 'es', 'pg', 'tbl'] as const;
export type SourceName = (typeof SOURCES)[number];
/** Sources that also hold an HR-only copy under the open page's URL: its also_in must reach only HR readers. */
export const COPY_SOURCES: readonly SourceName[] = ['es', 'pg', 'tbl'];
export const COPY_ID = 'hr-zebra-copy';

const POSTGRES_SKIP = await postgresUnavailable();
/** Why a source's cases skip (only the Postgres ones can, when the server is unreachable), or null. */
export function skipReason(source: SourceName): string | null {
  return source === 'pg' || source === 'tbl' ? POSTGRES_SKIP : null;
}
export const AVAILABLE_SOURCES = SOURCES.filter((source) => skipReason(source) === null);

export const qualifiedId = (source: SourceName, id: string) => `${source}:${id}${source === 'md' ? '.md' : ''}`;
/** The URL a source stores for a document (Elasticsearch and Postgres don't recognise URLs in get_document). */
export const urlIn = (source: SourceName, doc: Doc) => (source === 'md' ? doc.url : `https://${source}.example.com/${doc.id}`);
/** Distinct per source, so that no two sources' copies of a page de-duplicate by content. */
const bodyOf = (source: SourceName, doc: Doc) => `The quarterly report of ${doc.title.split(' ')[1]} in ${source}: figures and plans.`;

function documentsOf(source: SourceName): IngestDocument[] {
  const documents: IngestDocument[] = DOCS.map((doc) => ({
    id: doc.id,
    title: doc.title,
    text: bodyOf(source, doc),
    url: urlIn(source, doc),
    ...(doc.acl === undefined ? {} : { acl: doc.acl }),
  }));
  const open = DOCS[0]!;
  documents.push({
    id: COPY_ID,
    title: 'Quarterly zebra salaries copy',
    text: `The quarterly report of zebra in ${source}.`,
    url: open.url,
    acl: ['group:hr'],
  });
  return documents;
}

export interface MatrixSources {
  /** Config-file entries of the sources set up (the Postgres ones only when the server answers). */
  entries: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function writeMarkdownFolder(dir: string): Record<string, unknown> {
  mkdirSync(dir);
  for (const doc of DOCS) {
    const acl = doc.acl === undefined ? '' : `acl: ${JSON.stringify(doc.acl)}\n`;
    writeFileSync(path.join(dir, `${doc.id}.md`), `---\ntitle: ${doc.title}\nurl: ${doc.url}\n${acl}---\n\n${bodyOf('md', doc)}\n`);
  }
  return { name: 'md', kind: 'markdown', dir };
}

async function ingestIntoElasticsearch(dir: string, node: string): Promise<Record<string, unknown>> {
  const entry = { name: 'es', kind: 'elasticsearch', node, index: 'acl-matrix', acl_field: 'acl' };
  const ingestor = elasticsearchFactory.create(elasticsearchFactory.configSchema.parse(entry), {
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    dataDir: dir,
    env: {},
  });
  const summary = await ingestor.ingest!(
    (async function* () {
      yield* documentsOf('es');
    })(),
    { signal: AbortSignal.timeout(10_000) },
  );
  expect(summary.failed).toEqual([]);
  await ingestor.close();
  return entry;
}

/** The managed `documents` table, written as `knowledge-mcp ingest` writes it: BEIR JSONL with `acl`. */
async function ingestIntoManagedPostgres(dir: string, schema: string): Promise<Record<string, unknown>> {
  const entry = { name: 'pg', kind: 'postgres', url: PG_URL, schema, pool_size: 2 };
  const file = path.join(dir, 'pg.jsonl');
  const lines = documentsOf('pg').map(({ id, title, text, url, acl }) => JSON.stringify({ _id: id, title, text, url, ...(acl === undefined ? {} : { acl }) }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const connector = createPostgresConnector(entry);
  await connector.start!(AbortSignal.timeout(30_000));
  const summary = await runIngest({ connector, input: file, signal: AbortSignal.timeout(30_000) });
  expect(summary).toMatchObject({ written: DOCS.length + 1, failed: [], invalid: [] });
  await connector.close();
  return entry;
}

/** A table of the user's own: principals in a text[] column, NULL for everyone, '{}' for service keys. */
async function createMappedTable(schema: string): Promise<Record<string, unknown>> {
  await sql(`CREATE SCHEMA "${schema}"`, [], PG_URL);
  await sql(`CREATE TABLE "${schema}".pages (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, link text, readers text[])`, [], PG_URL);
  for (const doc of documentsOf('tbl')) {
    await sql(`INSERT INTO "${schema}".pages VALUES ($1, $2, $3, $4, $5)`, [doc.id, doc.title, doc.text, doc.url, doc.acl ?? null], PG_URL);
  }
  // The source's document count is the planner's estimate, which a never-analysed table lacks.
  await sql(`ANALYZE "${schema}".pages`, [], PG_URL);
  return {
    name: 'tbl',
    kind: 'postgres',
    url: PG_URL,
    pool_size: 2,
    table: { schema, name: 'pages', columns: { id: 'id', title: 'title', body: 'body', url: 'link' }, acl_column: 'readers' },
  };
}

export async function setUpSources(dir: string): Promise<MatrixSources> {
  const double = await startElasticsearchDouble({ flavor: '9' });
  const schemas = [uniqueName('acl_matrix_pg'), uniqueName('acl_matrix_tbl')] as const;
  const entries = [writeMarkdownFolder(path.join(dir, 'pages')), await ingestIntoElasticsearch(dir, double.url)];
  const close = async () => {
    await double.close();
    if (POSTGRES_SKIP === null) for (const schema of schemas) await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, [], PG_URL);
  };
  if (POSTGRES_SKIP === null) {
    try {
      entries.push(await ingestIntoManagedPostgres(dir, schemas[0]), await createMappedTable(schemas[1]));
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { entries, close };
}
