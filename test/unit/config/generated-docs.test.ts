// The README table and .env.example are generated from the env schema; they must not drift.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable, renderEnvExample } from '../../../src/config/describe-env.js';

describe('generated configuration docs', () => {
  it('README shows the current configuration table (run npm run docs:config)', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(renderConfigTable());
  });
  it('.env.example lists every variable (run npm run docs:config)', () => {
    expect(readFileSync('.env.example', 'utf8')).toBe(renderEnvExample());
  });
});
