// One process at a time on an embedded PGlite data directory. PGlite keeps its own buffers and
// catalog in memory, so a second process writing the same files (the `ingest` CLI while the server
// runs) had its writes reported as done and then overwritten: lost. Postgres refuses a second
// postmaster with postmaster.pid; this is the same idea, a lock file beside the directory holding
// the owner's pid, taken over when that process no longer exists.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { SourceError } from '../contract/errors.js';

export interface DataDirLock {
  /** The lock file, `<data_dir>.lock`. */
  readonly path: string;
  /** Removes the lock file if it is still ours (also done at process exit). */
  release(): void;
}

export function lockFileOf(dataDir: string): string {
  return `${dataDir.replace(/[/\\]+$/, '')}.lock`;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The owner, read again after a short pause when the file is empty: its creator may be writing it. */
function settledOwnerOf(lockPath: string): number | null {
  const owner = ownerOf(lockPath);
  if (owner !== null) return owner;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  return ownerOf(lockPath);
}

function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `dataDir` for this process, or throws SOURCE_UNAVAILABLE naming the process
 * that holds it. A lock left by a process that is gone (a crash, a kill -9) is taken over; so is
 * one that names this very process (within a process, sources that share a directory share one
 * instance, see open-client.ts, so a lock with our pid is a leftover from a previous run whose
 * pid we were given again, as PID 1 in a container always is).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = lockFileOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (tryCreate(lockPath)) {
      const removeIfOurs = () => {
        if (ownerOf(lockPath) !== process.pid) return;
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      // A process that ends without closing the database leaves no lock behind (a crash still
      // can; the next process takes that one over).
      process.once('exit', removeIfOurs);
      return {
        path: lockPath,
        release() {
          process.off('exit', removeIfOurs);
          removeIfOurs();
        },
      };
    }
    const owner = settledOwnerOf(lockPath);
    if (owner !== null && owner !== process.pid && processExists(owner)) {
      throw new SourceError(
        'SOURCE_UNAVAILABLE',
        `the embedded database in ${dataDir} is open in another process (pid ${owner}): stop that process first ` +
          `(e.g. stop the server before running ingest into an embedded source), or give the source a Postgres server ` +
          `(url) when several processes must write it; if no such process runs, delete ${lockPath}`,
        { expose: false },
      );
    }
    // Stale (owner gone, no pid in it, or our own pid): remove it and try again. Two processes
    // taking over the same stale lock at the same instant could both succeed; that needs a crash
    // and two starts within microseconds of each other.
    try {
      unlinkSync(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new SourceError('SOURCE_UNAVAILABLE', `could not take the lock ${lockPath} of the embedded database in ${dataDir}`, { expose: false });
}
