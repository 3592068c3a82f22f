import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir, lockFileOf } from '../../../connectors/postgres/data-dir-lock.js';

/** A process that lives until killed, or one that has already exited: its pid. */
async function otherProcess(alive: boolean): Promise<{ pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', alive ? 'setTimeout(() => {}, 60_000)' : ''], { stdio: 'ignore' });
  const pid = child.pid as number;
  if (!alive) await new Promise((resolve) => child.once('exit', resolve));
  return { pid, stop: () => child.kill('SIGKILL') };
}

describe('embedded data directory lock', () => {
  let root: string;
  let dataDir: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'kmcp-lock-'));
    dataDir = path.join(root, 'pglite');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is a file beside the directory holding our pid, removed on release', () => {
    const lock = lockDataDir(dataDir);
    expect(lock.path).toBe(`${dataDir}.lock`);
    expect(lockFileOf(`${dataDir}/`)).toBe(`${dataDir}.lock`);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses while another living process holds it, naming the process and the lock file', async () => {
    const other = await otherProcess(true);
    try {
      writeFileSync(lockFileOf(dataDir), `${other.pid}\n`);
      expect(() => lockDataDir(dataDir)).toThrow(expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', expose: false }));
      expect(() => lockDataDir(dataDir)).toThrow(`open in another process (pid ${other.pid})`);
      expect(() => lockDataDir(dataDir)).toThrow(`delete ${lockFileOf(dataDir)}`);
      expect(readFileSync(lockFileOf(dataDir), 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.stop();
    }
  });

  it('takes over a lock left by a process that is gone, or one without a pid', async () => {
    const gone = await otherProcess(false);
    writeFileSync(lockFileOf(dataDir), `${gone.pid}\n`);
    const first = lockDataDir(dataDir);
    expect(readFileSync(first.path, 'utf8').trim()).toBe(String(process.pid));
    first.release();

    writeFileSync(lockFileOf(dataDir), 'not a pid');
    const second = lockDataDir(dataDir);
    expect(readFileSync(second.path, 'utf8').trim()).toBe(String(process.pid));
    second.release();
  });

  it('does not remove a lock another process has taken since', async () => {
    const lock = lockDataDir(dataDir);
    const other = await otherProcess(true);
    try {
      writeFileSync(lock.path, `${other.pid}\n`);
      lock.release();
      expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.stop();
    }
  });
});
