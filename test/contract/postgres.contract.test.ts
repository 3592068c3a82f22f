// The connector contract for the postgres kind: managed mode on the local server (own schema)
// and on embedded PGlite (own directory), and the read-only mapped-table mode over a table of
// the contract documents with other column names.
import { vi } from 'vitest';
import { defineConnectorContract } from './connector-contract.js';
import { CONTRACT_DOCUMENTS } from './contract-documents.js';
import {
  createPostgresConnector,
  dropSchema,
  fromArray,
  makeTempDir,
  postgresSkipReason,
  signal,
  sql,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../integration/postgres/helpers.js';

const skipReason = await postgresSkipReason();
// PGlite's first start runs initdb in WebAssembly: seconds alone, far more on a busy machine.
vi.setConfig({ hookTimeout: 180_000 });
const slowSignal = () => AbortSignal.timeout(170_000);

defineConnectorContract(
  'postgres (pg, managed)',
  async () => {
    const schema = uniqueSchema('contract');
    const connector = createPostgresConnector({ name: 'handbook', url: TEST_DATABASE_URL, schema });
    await connector.start!(signal());
    await connector.ingest!(fromArray(CONTRACT_DOCUMENTS), { signal: signal() });
    return { connector, teardown: () => dropSchema(schema) };
  },
  { skipReason },
);

defineConnectorContract('postgres (PGlite, managed)', async () => {
  const temp = await makeTempDir('contract-pglite');
  const connector = createPostgresConnector({ name: 'handbook' }, temp.dir);
  await connector.start!(slowSignal());
  await connector.ingest!(fromArray(CONTRACT_DOCUMENTS), { signal: signal() });
  return { connector, teardown: temp.remove };
});

defineConnectorContract(
  'postgres (pg, mapped table)',
  async () => {
    const schema = uniqueSchema('contract_table');
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".pages (slug text PRIMARY KEY, heading text NOT NULL, content text, link text, changed timestamptz)`);
    for (const doc of CONTRACT_DOCUMENTS) {
      await sql(`INSERT INTO "${schema}".pages VALUES ($1, $2, $3, $4, $5)`, [doc.id, doc.title, doc.text, doc.url, doc.updatedAt]);
    }
    await sql(`ANALYZE "${schema}".pages`);
    const connector = createPostgresConnector({
      name: 'pages',
      url_env: 'KMCP_TEST_DB',
      table: { schema, name: 'pages', columns: { id: 'slug', title: 'heading', body: 'content', url: 'link', updated_at: 'changed' } },
    });
    return { connector, teardown: () => dropSchema(schema) };
  },
  { skipReason },
);
