import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite has no inter-process locking: two processes writing one folder silently lose rows.
 * A lock file naming the owner's PID refuses the second process; a lock left by a killed
 * process (its PID no longer alive) is taken over at once, so restart after `kill -9` is instant.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another Lindung process (PID ${pid}). ` +
        `Stop that process first (for example: kill ${pid}), or start with LINDUNG_DATA_DIR pointing at another folder. ` +
        `Folder data ${dataDir} sedang dipakai proses Lindung lain (PID ${pid}); hentikan proses itu dulu.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'lindung.lock');
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(JSON.parse(fs.readFileSync(file, 'utf8')).pid);
      } catch {
        /* half-written lock: treat as stale */
      }
      if (pid && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dataDir, pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
