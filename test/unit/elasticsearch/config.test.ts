// The elasticsearch source schema: what a config file may say, and the one line it gets when wrong.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClientOptions } from '../../../connectors/elasticsearch/client.js';
import { elasticsearchSourceSchema, isSingleName, resolveAuth } from '../../../connectors/elasticsearch/config.js';

const minimal = { name: 'search', kind: 'elasticsearch', node: 'http://localhost:9200', index: 'docs' };
const issues = (input: unknown) => {
  const result = elasticsearchSourceSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('elasticsearch source config', () => {
  it('fills defaults for a minimal entry', () => {
    const config = elasticsearchSourceSchema.parse(minimal);
    expect(config).toMatchObject({
      weight: 1,
      timeout_ms: 2000,
      fields: {},
      boosts: { title: 2, body: 1 },
      request_timeout_ms: 30_000,
      bulk_retries: 3,
    });
  });

  it.each(['docs', 'docs-*', 'a,b', 'logs-2025.01.*', '*,-old', '.kibana_1'])('accepts the index expression %s', (index) => {
    expect(issues({ ...minimal, index })).toEqual([]);
  });

  it.each(['Docs', 'a b', 'docs/_search', 'x?y', 'a,,b', '', 'docs#1'])('refuses the index expression %j', (index) => {
    expect(issues({ ...minimal, index })[0]).toMatch(/^index: /);
  });

  it('wants exactly one of node or nodes', () => {
    expect(issues({ ...minimal, nodes: ['http://b:9200'] })).toEqual(['node: give exactly one of node or nodes']);
    expect(issues({ name: 'search', kind: 'elasticsearch', index: 'docs' })).toEqual(['node: give exactly one of node or nodes']);
    expect(issues({ ...minimal, node: 'localhost:9200' })[0]).toMatch(/^node: an http/);
  });

  it('refuses two auth schemes, a password without a user, and a fingerprint over plain http', () => {
    expect(issues({ ...minimal, api_key: 'k', bearer: 't' })).toEqual(['api_key: give one auth scheme: api_key, username+password or bearer']);
    expect(issues({ ...minimal, password: 'p' })).toEqual(['username: password needs a username']);
    const fingerprint = `${'AA:'.repeat(31)}AA`;
    expect(issues({ ...minimal, tls: { ca_fingerprint: fingerprint } })).toEqual(['tls.ca_fingerprint: ca_fingerprint needs https:// nodes']);
    expect(issues({ ...minimal, node: 'https://es:9200', tls: { ca_fingerprint: fingerprint } })).toEqual([]);
  });

  it('refuses unknown keys, so that a typo is not silently ignored', () => {
    expect(issues({ ...minimal, indx: 'docs' })[0]).toMatch(/indx/);
    expect(issues({ ...minimal, fields: { titel: 'x' } })[0]).toMatch(/^fields: .*titel/);
  });

  it('resolves each auth scheme from literals or env names', () => {
    const parse = (extra: object) => elasticsearchSourceSchema.parse({ ...minimal, ...extra });
    expect(resolveAuth(parse({}), {})).toBeUndefined();
    expect(resolveAuth(parse({ api_key_env: 'K' }), { K: 'abc' })).toEqual({ apiKey: 'abc' });
    expect(resolveAuth(parse({ bearer: 'tok' }), {})).toEqual({ bearer: 'tok' });
    expect(resolveAuth(parse({ username: 'u', password_env: 'P' }), { P: 'pw' })).toEqual({ username: 'u', password: 'pw' });
    expect(() => resolveAuth(parse({ username: 'u', password_env: 'P' }), {})).toThrow('source "search": password_env names P, which is not set');
  });

  it('tells a single index or alias from a list or pattern', () => {
    expect(isSingleName('docs')).toBe(true);
    expect(isSingleName('docs-*')).toBe(false);
    expect(isSingleName('a,b')).toBe(false);
  });
});

describe('client options', () => {
  it('reads the CA file, keeps the fingerprint, and retries only across nodes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'es-ca-'));
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const options = await buildClientOptions(
      { nodes: ['https://a:9200', 'https://b:9200'], auth: { apiKey: 'k' }, caFile, caFingerprint: 'AB:CD', requestTimeoutMs: 1234 },
      AbortSignal.timeout(5000),
    );
    expect(options).toMatchObject({ maxRetries: 1, requestTimeout: 1234, caFingerprint: 'AB:CD', auth: { apiKey: 'k' } });
    expect(options.tls?.ca).toContain('BEGIN CERTIFICATE');
    const single = await buildClientOptions(
      { nodes: ['http://a:9200'], auth: undefined, caFile: undefined, caFingerprint: undefined, requestTimeoutMs: 1 },
      AbortSignal.timeout(5000),
    );
    expect(single.maxRetries).toBe(0);
    expect(single.auth).toBeUndefined();
  });
});
