import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findMigrationsDir, loadMigrations } from '../../../connectors/postgres/migrate.js';

describe('loadMigrations', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  async function folder(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'kmcp-migrations-'));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }

  it('finds the repository migrations, numbered from 001', async () => {
    const migrations = await loadMigrations(findMigrationsDir());
    expect(migrations[0]).toMatchObject({ version: 1, name: '001_documents' });
    expect(migrations[0]?.sql).toContain('CREATE TABLE postings');
  });

  it('sorts numerically and ignores other files', async () => {
    const loaded = await loadMigrations(await folder({ '010_c.sql': 'c', '002_b.sql': 'b', '001_a.sql': 'a', 'README.md': '' }));
    expect(loaded.map((m) => m.name)).toEqual(['001_a', '002_b', '010_c']);
  });

  it('refuses misnamed and duplicate-numbered files', async () => {
    await expect(loadMigrations(await folder({ '1_a.sql': '' }))).rejects.toThrow('expected NNN_name.sql');
    await rm(dir!, { recursive: true });
    await expect(loadMigrations(await folder({ '001_a.sql': '', '001_b.sql': '' }))).rejects.toThrow('two migrations numbered 1');
  });
});
