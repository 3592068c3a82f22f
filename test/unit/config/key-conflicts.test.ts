// One key value or one key name in two entries refuses to start, naming both entries and never
// the value: otherwise the second entry silently loses its scope, or shares a rate-limit bucket.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConnectorFactory } from '../../../connectors/contract/registry-types.js';
import { baseSourceSchema } from '../../../connectors/contract/source-config.js';
import { loadIn, problemsOf } from './load-helpers.js';

const markdownLike: ConnectorFactory = {
  kind: 'markdown',
  configSchema: baseSourceSchema.extend({ kind: z.literal('markdown'), dir: z.string().min(1) }),
  create: () => {
    throw new Error('not used');
  },
};
const SOURCES = [
  { name: 'handbook', kind: 'markdown', dir: 'a' },
  { name: 'runbooks', kind: 'markdown', dir: 'b' },
];
const SHARED = 'shared-value-0123456789';

function withFile(env: Record<string, string>, keys: unknown[]) {
  return () => loadIn([markdownLike], env, { 'knowledge-mcp.config.json': JSON.stringify({ sources: SOURCES, keys }) });
}

describe('duplicate API keys', () => {
  it('refuses a file key that repeats an API_KEYS value, naming both entries but not the value', () => {
    const problems = problemsOf(
      withFile({ API_KEYS: `deploy:${SHARED}` }, [
        { name: 'reader', key: 'another-value-0123456789' },
        { name: 'ci', key: SHARED, sources: ['handbook'] },
      ]),
    );
    expect(problems).toEqual(['keys[1] (name "ci") has the same key as API_KEYS entry 1 (name "deploy"); give each entry its own key']);
    expect(problems.join('\n')).not.toContain(SHARED);
  });

  it('refuses the same value twice in API_KEYS and twice in the file (also through key_env)', () => {
    expect(problemsOf(() => loadIn([markdownLike], { WIKI_DIR: 'w', API_KEYS: `a:${SHARED}, b:${SHARED}` }))).toEqual([
      'API_KEYS entry 2 (name "b") has the same key as API_KEYS entry 1 (name "a"); give each entry its own key',
    ]);
    const problems = problemsOf(
      withFile({ CI_KEY: SHARED }, [
        { name: 'ci', key_env: 'CI_KEY', sources: ['handbook'] },
        { name: 'ops', key: SHARED, sources: ['runbooks'] },
      ]),
    );
    expect(problems).toEqual(['keys[1] (name "ops") has the same key as keys[0] (name "ci"); give each entry its own key']);
  });

  it('refuses two keys with one name, which would share a rate-limit bucket', () => {
    const problems = problemsOf(withFile({ API_KEYS: 'ci:first-value-0123456789' }, [{ name: 'ci', key: 'second-value-0123456789' }]));
    expect(problems).toEqual(['keys[0] (name "ci") has the same name as API_KEYS entry 1 (name "ci"); key names must be unique (each has its own rate limit)']);
    // An unnamed API_KEYS entry is called keyN after its position: a clash with it is caught too.
    expect(problemsOf(() => loadIn([markdownLike], { WIKI_DIR: 'w', API_KEYS: 'first-value-0123456789,key1:second-value-0123456789' }))).toHaveLength(1);
  });

  it('accepts distinct keys and keeps each one its own scope', () => {
    const config = withFile({ API_KEYS: 'deploy:first-value-0123456789' }, [
      { name: 'ci', key: 'second-value-0123456789', sources: ['handbook'] },
      { name: 'hr-bot', key: 'third-value-0123456789', sources: ['runbooks'], principals: ['user:alice', 'group:hr'] },
    ])();
    expect(config.auth.keys.map((key) => [key.name, key.sources, key.principals])).toEqual([
      ['deploy', null, null],
      ['ci', ['handbook'], null],
      ['hr-bot', ['runbooks'], ['user:alice', 'group:hr']],
    ]);
  });

  it('refuses principals that are not user: or group:', () => {
    const problems = problemsOf(withFile({}, [{ name: 'ci', key: 'second-value-0123456789', principals: ['alice'] }]));
    expect(problems).toEqual(['knowledge-mcp.config.json.keys[0].principals[0]: a principal such as "user:alice@example.com" or "group:hr" (got "alice")']);
  });
});
