import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.js';

/** Another live process holds the embedded database. */
export class StoreLockedError extends AppError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      'store_locked',
      `The embedded database in ${dir} is already open in another process (pid ${pid}). ` +
        'PGlite allows one process at a time: stop that process, or set DATABASE_URL to use Postgres for several processes.',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds, so a lock naming our own pid can be told apart from one left by an earlier run. */
const heldHere = new Set<string>();

export interface HeldLock {
  path: string;
  release(): void;
}

/**
 * Takes an exclusive lock file (O_EXCL create, holding our pid) in `dir`. A lock left by a dead pid is removed
 * and taken over; a live holder (including this same process) makes it fail with StoreLockedError.
 */
export function acquireLockFile(dir: string, name = 'pglite.lock'): HeldLock {
  mkdirSync(dir, { recursive: true });
  const path = join(resolve(dir), name);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      } catch {
        continue; // removed between our open and read: try again
      }
      // Our own pid in a lock we do not hold: left by an earlier run that had the same pid (pid 1 in containers).
      const ours = pid === process.pid && !heldHere.has(path);
      if (Number.isInteger(pid) && pid > 0 && !ours && alive(pid)) throw new StoreLockedError(dir, pid);
      try {
        unlinkSync(path); // stale: its process is gone (or the file is garbage)
      } catch {
        // someone else cleaned it first
      }
    }
  }
  throw new AppError('store_locked', `Could not take the lock file ${path}; another process keeps recreating it.`);
}
