// Sources whose permissions need the caller's identity refuse to start when no caller could carry
// principals (neither OAuth nor a key with principals), with one line naming the source and the fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from '../../../src/composition/connectors.js';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';

const SOURCES = [
  { name: 'es', kind: 'elasticsearch', node: 'http://127.0.0.1:9200', index: 'docs', acl_field: 'acl' },
  { name: 'wiki', kind: 'mediawiki', url: 'https://wiki.example.com/w/api.php', acl: [{ namespace: 100, principals: ['group:hr'] }] },
  { name: 'conf', kind: 'confluence', url: 'https://acme.atlassian.net/wiki', email: 'bot@example.com', api_token: 'x', permissions: 'user' },
  { name: 'open', kind: 'elasticsearch', node: 'http://127.0.0.1:9200', index: 'open' },
];

function problems(file: Record<string, unknown>, env: Record<string, string> = {}): string[] {
  const cwd = mkdtempSync(path.join(tmpdir(), 'kmcp-identity-'));
  writeFileSync(path.join(cwd, 'config.json'), JSON.stringify(file));
  try {
    loadConfig({ env, cwd, factories: CONNECTOR_FACTORIES, configPath: 'config.json' });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('sources that need the caller identity', () => {
  it('are refused with one line each when only service keys exist', () => {
    const found = problems({ sources: SOURCES, keys: [{ name: 'svc', key: 'k'.repeat(20) }] });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^sources\.es: acl_field "acl" .*needs callers with principals.*OAUTH_ISSUER.*"principals"/);
    expect(found[1]).toMatch(/^sources\.wiki: acl /);
    expect(found[2]).toMatch(/^sources\.conf: permissions "user"/);
  });

  it('start when a key carries principals', () => {
    expect(problems({ sources: SOURCES, keys: [{ name: 'alice', key: 'k'.repeat(20), principals: ['user:alice'] }] })).toEqual([]);
  });

  it('start when OAuth is configured', () => {
    expect(problems({ sources: SOURCES }, { OAUTH_ISSUER: 'https://login.example.com', PUBLIC_URL: 'https://k.example.com' })).toEqual([]);
  });
});
