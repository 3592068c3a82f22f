// Config loading: defaults, one clear line per mistake, the loopback rule, sources and key scopes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConnectorFactory } from '../../../connectors/contract/registry-types.js';
import { baseSourceSchema } from '../../../connectors/contract/source-config.js';
import { isLoopbackHost } from '../../../src/config/load-config.js';
import { loadIn, problemsOf } from './load-helpers.js';

const markdownLike: ConnectorFactory = {
  kind: 'markdown',
  configSchema: baseSourceSchema.extend({ kind: z.literal('markdown'), dir: z.string().min(1) }),
  create: () => {
    throw new Error('not used');
  },
};
const postgresLike: ConnectorFactory = {
  kind: 'postgres',
  configSchema: baseSourceSchema.extend({ kind: z.literal('postgres'), url: z.string().optional() }),
  create: () => {
    throw new Error('not used');
  },
};
const factories = [markdownLike, postgresLike];

function load(env: Record<string, string>, files: Record<string, string> = {}, configPath?: string) {
  return loadIn(factories, env, files, configPath);
}

describe('loadConfig', () => {
  it('serves the demo on loopback with no configuration at all', () => {
    const config = load({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, demo: true, auth: { mode: 'apikey', keys: [] } });
    expect(config.sources.map((s) => s.name)).toContain('runbooks');
  });

  it('names the variable and what was expected', () => {
    expect(problemsOf(() => load({ PORT: 'abc' }))).toEqual(['PORT: expected a whole number from 0 to 65535 (got "abc")']);
    expect(problemsOf(() => load({ LOG_LEVEL: 'loud' }))[0]).toMatch(/^LOG_LEVEL: expected one of fatal/);
  });

  it('refuses a non-loopback HOST without keys, unless AUTH=none', () => {
    expect(problemsOf(() => load({ HOST: '0.0.0.0' }))[0]).toMatch(/^HOST: 0\.0\.0\.0 .*API_KEYS/);
    expect(load({ HOST: '0.0.0.0', AUTH: 'none' }).auth.mode).toBe('none');
    expect(load({ HOST: '0.0.0.0', API_KEYS: 'ci:0123456789abcdef0123' }).auth.keys).toEqual([
      { name: 'ci', key: '0123456789abcdef0123', sources: null, rateLimitPerMinute: 0, principals: null },
    ]);
  });

  it('refuses keys that are too short to be secret', () => {
    expect(problemsOf(() => load({ API_KEYS: 'ci:short' }))).toEqual(['API_KEYS: entry 1 ("ci") needs a key of at least 16 characters']);
  });

  it('turns env shortcuts into sources named after their kind, and drops the demo', () => {
    const config = load({ WIKI_DIR: './wiki', DATABASE_URL: 'postgres://db/x' });
    expect(config.demo).toBe(false);
    expect(config.sources.map((s) => [s.name, s.kind])).toEqual([
      ['postgres', 'postgres'],
      ['wiki', 'markdown'],
    ]);
  });

  it('validates config-file sources with the path of each mistake', () => {
    const file = JSON.stringify({
      sources: [
        { name: 'Handbook', kind: 'postgres' },
        { name: 'runbooks', kind: 'markdown' },
        { name: 'x', kind: 'gopher' },
        { name: 'ok', kind: 'markdown', dir: 'd', timeout_ms: 'fast' },
      ],
    });
    const problems = problemsOf(() => load({}, { 'knowledge-mcp.config.json': file }));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^sources\[0\]\.name: a source name/);
    expect(problems[1]).toMatch(/^sources\[1\]\.dir: /);
    expect(problems[2]).toMatch(/^sources\[2\]\.kind: expected one of markdown, postgres \(got "gopher"\)/);
    expect(problems[3]).toMatch(/^sources\[3\]\.timeout_ms: /);
  });

  it('reads YAML, key scopes and weights, and rejects duplicate names and scopes to unknown sources', () => {
    const yaml = [
      'sources:',
      '  - { name: handbook, kind: postgres, weight: 2 }',
      '  - { name: runbooks, kind: markdown, dir: ./rb }',
      'keys:',
      '  - { name: ci, key_env: CI_KEY, sources: [handbook] }',
    ].join('\n');
    const config = load({ CI_KEY: 'abcdefghijklmnopqrstuvwxyz' }, { 'k.yaml': yaml }, 'k.yaml');
    expect(config.sources.find((s) => s.name === 'handbook')?.weight).toBe(2);
    expect(config.auth.keys[0]).toMatchObject({ name: 'ci', sources: ['handbook'] });
    const bad =
      'sources:\n  - { name: a, kind: markdown, dir: x }\n  - { name: a, kind: markdown, dir: y }\nkeys:\n  - { name: ci, key: abcdefghijklmnopqrs, sources: [nope] }\n';
    const problems = problemsOf(() => load({}, { 'k.yaml': bad }, 'k.yaml'));
    expect(problems).toContain('sources[1].name: "a" is used by another source; names must be unique');
    expect(problems).toContain('keys[0].sources: "nope" is not a configured source');
  });

  it('reports an unreadable config file in one line', () => {
    expect(problemsOf(() => load({}, { 'knowledge-mcp.config.json': '{ nope' }))[0]).toMatch(/knowledge-mcp\.config\.json: cannot be read as JSON\/YAML/);
  });

  it('derives a stable cursor secret from the keys so instances agree', () => {
    const a = load({ API_KEYS: 'ci:0123456789abcdef0123' });
    const b = load({ API_KEYS: 'ci:0123456789abcdef0123' });
    expect(a.cursorSecret).toBe(b.cursorSecret);
    expect(load({ CURSOR_SECRET: 's3cret' }).cursorSecret).toBe('s3cret');
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.1', 'example.com', '::']) expect(isLoopbackHost(host)).toBe(false);
  });
});
