// Start-up errors name the field that is wrong but never print a secret's value: not a short
// key, not a password of the wrong type, not the userinfo of a URL, not an excerpt of a broken file.
import { describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { loadIn, problemsOf } from './load-helpers.js';

const SECRET = 'hunter2-s3cret';

function fileProblems(config: unknown) {
  return problemsOf(() => loadIn(CONNECTOR_FACTORIES, {}, { 'knowledge-mcp.config.json': JSON.stringify(config) }));
}

describe('start-up errors and secrets', () => {
  it('names a too-short file key without printing it', () => {
    const problems = fileProblems({ keys: [{ name: 'ci', key: SECRET }] });
    expect(problems).toEqual(['knowledge-mcp.config.json.keys[0].key: at least 16 characters']);
  });

  it('never echoes passwords, tokens or API keys of sources, whatever was wrong with them', () => {
    const problems = fileProblems({
      sources: [
        { name: 'wiki', kind: 'mediawiki', url: 'https://wiki.example.com/w/api.php', username: 'bot', password: 123456789 },
        { name: 'es', kind: 'elasticsearch', node: 'https://es.example.com', index: 'docs', api_key: 42 },
        { name: 'conf', kind: 'confluence', url: 'https://c.example.com', token: ['x'], email: 'a@example.com' },
      ],
    });
    expect(problems.map((line) => line.split(':')[0])).toEqual(['sources[0].password', 'sources[1].api_key', 'sources[2].token']);
    expect(problems.join('\n')).not.toMatch(/123456789|\(got/);
  });

  it('shows a rejected URL without its userinfo', () => {
    const problems = fileProblems({ sources: [{ name: 'es', kind: 'elasticsearch', node: `ftp://elastic:${SECRET}@es.internal:9200`, index: 'docs' }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sources\[0\]\.node: .*\(got "ftp:\/\/\*\*\*@es\.internal:9200"\)$/);
    expect(problems[0]).not.toContain(SECRET);
  });

  it('still shows values that are not secret', () => {
    const problems = fileProblems({ sources: [{ name: 'es', kind: 'elasticsearch', node: 'https://es.example.com', index: 'Bad Index' }] });
    expect(problems).toEqual(['sources[0].index: an index, alias or pattern such as docs or docs-* (got "Bad Index")']);
  });

  it('reports a broken JSON or YAML file by position, without quoting its text', () => {
    const json = problemsOf(() => loadIn(CONNECTOR_FACTORIES, {}, { 'knowledge-mcp.config.json': `{"keys": [{"name": "ci", "key": ${SECRET}}]}` }));
    expect(json).toHaveLength(1);
    expect(json[0]).toMatch(/knowledge-mcp\.config\.json: cannot be read as JSON\/YAML/);
    expect(json[0]).not.toContain('hunter');
    const yaml = problemsOf(() => loadIn(CONNECTOR_FACTORIES, {}, { 'k.yaml': `keys:\n  - {name: ci, key: ${SECRET} ]\n` }, 'k.yaml'));
    expect(yaml[0]).toMatch(/at line 2, column \d+/);
    expect(yaml[0]).not.toContain('hunter');
  });
});
