// The configuration table in docs/configuration.md and .env.example are generated from the env
// schema (npm run docs:config); they must not drift from it, and the table lives on that page only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE_FILE, readConfigTable, TABLE_START, writeConfigTable } from '../../../scripts/docs-config.js';
import { renderConfigTable, renderEnvExample } from '../../../src/config/describe-env.js';

describe('generated configuration docs', () => {
  it('docs/configuration.md shows exactly the current configuration table (run npm run docs:config)', () => {
    expect(readConfigTable(readFileSync(CONFIG_TABLE_FILE, 'utf8'))).toBe(renderConfigTable());
  });

  it('.env.example lists every variable (run npm run docs:config)', () => {
    expect(readFileSync('.env.example', 'utf8')).toBe(renderEnvExample());
  });

  it('the README links to the table instead of holding a copy', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).not.toContain(TABLE_START);
    expect(readme).toContain('docs/configuration.md');
  });
});

describe('the staleness check', () => {
  const table = renderConfigTable();
  const page = (body: string) => `# Configuration\n\n${TABLE_START}\n${body}\n<!-- config-table:end -->\n\nMore text.\n`;

  it('tells a stale table from a current one: a row missing, a row left over, a changed default', () => {
    const rows = table.split('\n');
    expect(readConfigTable(page(table))).toBe(table);
    expect(readConfigTable(page(rows.slice(0, -1).join('\n')))).not.toBe(table);
    expect(readConfigTable(page(`${table}\n| \`OLD_VARIABLE\` | — | Removed long ago. |`))).not.toBe(table);
    expect(readConfigTable(page(table.replace('`3000`', '`8080`')))).not.toBe(table);
    expect(readConfigTable('# Configuration\n\nno markers\n')).toBeNull();
  });

  it('regenerating replaces only the text between the markers', () => {
    const regenerated = writeConfigTable(page('| stale |'), table);
    expect(readConfigTable(regenerated)).toBe(table);
    expect(regenerated.startsWith('# Configuration\n\n')).toBe(true);
    expect(regenerated.endsWith('<!-- config-table:end -->\n\nMore text.\n')).toBe(true);
  });
});
