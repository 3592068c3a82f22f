import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresSourceSchema, resolveTarget } from '../../../connectors/postgres/config.js';

const parse = (entry: Record<string, unknown>) => postgresSourceSchema.safeParse({ name: 'handbook', kind: 'postgres', ...entry });

describe('postgres source config', () => {
  it('defaults to embedded PGlite with a managed table in its own schema', () => {
    const result = parse({});
    expect(result.success).toBe(true);
    const config = result.data!;
    expect(config).toMatchObject({ schema: 'knowledge_mcp', text_search_config: 'english', migrate: true, pool_size: 10, weight: 1 });
    expect(resolveTarget(config, {}, './data')).toEqual({ backend: 'pglite', dataDir: path.resolve('data/pglite') });
    expect(resolveTarget({ ...config, data_dir: '/var/lib/kmcp' }, {}, './data')).toEqual({ backend: 'pglite', dataDir: '/var/lib/kmcp' });
  });

  it('takes the URL literally or from a named environment variable', () => {
    const literal = parse({ url: 'postgres://db/x' }).data!;
    expect(resolveTarget(literal, {}, './data')).toEqual({ backend: 'pg', connectionString: 'postgres://db/x' });
    const fromEnv = parse({ url_env: 'HANDBOOK_DB' }).data!;
    expect(resolveTarget(fromEnv, { HANDBOOK_DB: 'postgres://secret@db/y' }, './data')).toEqual({ backend: 'pg', connectionString: 'postgres://secret@db/y' });
    expect(() => resolveTarget(fromEnv, {}, './data')).toThrow('environment variable HANDBOOK_DB is not set');
  });

  it('rejects contradictions and unsafe identifiers', () => {
    expect(parse({ url: 'postgres://a', url_env: 'B' }).success).toBe(false);
    expect(parse({ schema: 'x"; drop schema public; --' }).success).toBe(false);
    expect(parse({ table: { name: 'docs', columns: { id: 'id', title: 'title', body: 'body; --' } } }).success).toBe(false);
    expect(parse({ seed_file: 'h.jsonl', table: { name: 'docs', columns: { id: 'id', title: 't', body: 'b' } } }).success).toBe(false);
    expect(parse({ kind: 'elasticsearch' }).success).toBe(false);
  });

  it('accepts a read-only table mapping', () => {
    const result = parse({
      url: 'postgres://a',
      table: { schema: 'wiki', name: 'pages', columns: { id: 'page_id', title: 'title', body: 'body', tsvector: 'search_vector' } },
    });
    expect(result.success).toBe(true);
  });
});
