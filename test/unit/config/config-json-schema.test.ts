// knowledge-mcp.config.schema.json is generated from the zod schemas and must not drift; the
// deploy config and the example configs validate against it, and the server accepts them too.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from '../../../src/config/config-json-schema.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadIn, problemsOf } from './load-helpers.js';

const committed = readFileSync(CONFIG_SCHEMA_FILE, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(committed));
const EXAMPLES = [
  'deploy/knowledge-mcp.config.json',
  'test/fixtures/config/several-sources.json',
  'test/fixtures/config/postgres-sources.yaml',
  'test/fixtures/config/wikis-and-people.json',
];
const KEYS_ENV = { CI_KEY: 'c'.repeat(20), HR_BOT_KEY: 'h'.repeat(20), INDEXER_KEY: 'i'.repeat(20) };

function read(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function errorsOf(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('config JSON Schema', () => {
  it('is current (run npm run docs:schema)', () => {
    expect(committed).toBe(renderConfigJsonSchema(CONNECTOR_FACTORIES));
  });

  it('ships in the package', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).files).toContain(CONFIG_SCHEMA_FILE);
  });

  it('names itself and offers every connector kind', () => {
    const schema = JSON.parse(committed);
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: expect.any(String), title: expect.any(String) });
    const kinds = schema.properties.sources.items.oneOf.map((variant: { properties: { kind: { const: string } } }) => variant.properties.kind.const);
    expect(kinds).toEqual(CONNECTOR_FACTORIES.map((factory) => factory.kind));
  });

  it.each(EXAMPLES)('accepts %s, as the server does', (file) => {
    expect(errorsOf(read(file))).toEqual([]);
    const config = loadConfig({ env: KEYS_ENV, configPath: file, cwd: process.cwd(), factories: CONNECTOR_FACTORIES });
    expect(config.demo).toBe(false);
  });

  it.each([
    ['an unknown kind', { sources: [{ name: 'x', kind: 'gopher' }] }],
    ['a misspelt Elasticsearch field', { sources: [{ name: 'search', kind: 'elasticsearch', node: 'http://127.0.0.1:9200', index: 'docs', indx: 'd' }] }],
    ['a misspelt Postgres field', { sources: [{ name: 'handbook', kind: 'postgres', urll: 'postgres://db/x' }] }],
    ['a misspelt markdown field', { sources: [{ name: 'notes', kind: 'markdown', dir: './notes', refresh_intervall_ms: 5 }] }],
    [
      'a misspelt mapped column',
      { sources: [{ name: 'a', kind: 'postgres', table: { name: 't', columns: { id: 'id', title: 't', body: 'b', update_at: 'u' } } }] },
    ],
    ['a bad principal', { sources: [{ name: 'notes', kind: 'markdown', dir: './notes' }], keys: [{ name: 'ci', key_env: 'CI_KEY', principals: ['alice'] }] }],
    ['a misspelt top-level key', { sources: [{ name: 'notes', kind: 'markdown', dir: './notes' }], serach: {} }],
  ])('refuses %s, as the server does', (_, config) => {
    expect(errorsOf(config)).not.toEqual([]);
    expect(problemsOf(() => loadIn(CONNECTOR_FACTORIES, KEYS_ENV, { 'knowledge-mcp.config.json': JSON.stringify(config) }))).not.toEqual([]);
  });
});
