import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipelaneError } from '../errors.js';

/**
 * One process runs the commands of a data directory: a daemon, or
 * `pipelane run`. The lock is a file holding the owner's pid; a lock whose
 * process is gone (killed, crashed) is taken over. Client commands do not
 * take it: they only write steps, which the owner applies.
 */
export function lockDataDir(dataDir: string, what: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'runtime.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n${what}\n`, { flag: 'wx' });
      const release = () => rmSync(path, { force: true });
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pid, owner] = readFileSync(path, 'utf8').split('\n');
      const ownerPid = Number(pid);
      if (ownerPid === process.pid) return () => undefined;
      if (Number.isInteger(ownerPid) && alive(ownerPid)) {
        throw new PipelaneError('CONFLICT', `${dataDir} is in use by process ${ownerPid} (${owner || 'pipelane'}); talk to it with --server, or use another --data-dir.`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new PipelaneError('CONFLICT', `cannot lock ${dataDir}; another process keeps taking it.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
