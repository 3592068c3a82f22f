// Which field names count as secrets in error messages, and URL userinfo redaction.
import { describe, expect, it } from 'vitest';
import { describeRejectedValue, isSecretFieldName, redactUserinfo } from '../../src/secret-values.js';

describe('secret field names', () => {
  it('knows credentials by name, in snake, camel and SCREAMING case', () => {
    for (const name of [
      'key',
      'password',
      'token',
      'api_key',
      'apiKey',
      'bearer',
      'secret',
      'client_secret',
      'access_token',
      'API_KEYS',
      'CURSOR_SECRET',
      'ELASTICSEARCH_PASSWORD',
      'CONFLUENCE_TOKEN',
      'passwd',
      'dbPassword',
    ]) {
      expect(isSecretFieldName(name), name).toBe(true);
    }
  });

  it('leaves ordinary fields and the names of secret variables visible', () => {
    for (const name of ['name', 'kind', 'url', 'index', 'key_env', 'password_env', 'api_key_env', 'monkey', 'ca_fingerprint', 'username', 'PORT']) {
      expect(isSecretFieldName(name), name).toBe(false);
    }
  });
});

describe('describeRejectedValue', () => {
  it('shows ordinary values, cut at 40 characters', () => {
    expect(describeRejectedValue('abc', 'PORT')).toBe(' (got "abc")');
    expect(describeRejectedValue('x'.repeat(50), 'index')).toBe(` (got "${'x'.repeat(40)}…")`);
  });

  it('shows nothing for secrets and objects, and URLs without userinfo', () => {
    expect(describeRejectedValue('s3cret-value', 'password')).toBe('');
    expect(describeRejectedValue({ a: 1 }, 'sources')).toBe('');
    expect(describeRejectedValue('postgres://app:pw@db.internal/x', 'url')).toBe(' (got "postgres://***@db.internal/x")');
  });

  it('redacts every userinfo in a text', () => {
    expect(redactUserinfo('a https://u:p@h/x and redis://:pw@r:6379')).toBe('a https://***@h/x and redis://***@r:6379');
  });
});

describe('redacting long values', () => {
  it('stays fast on a long run of letters (no quadratic backtracking)', () => {
    const started = performance.now();
    const described = describeRejectedValue('x'.repeat(200_000), 'query');
    expect(described).toBe(` (got "${'x'.repeat(40)}…")`);
    // Generous bound: the quadratic scan took tens of seconds here.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('still redacts userinfo in a URL at the start of a long value', () => {
    expect(describeRejectedValue(`https://u:secret@example.com/${'a'.repeat(5000)}`, 'url')).not.toContain('secret');
  });
});
