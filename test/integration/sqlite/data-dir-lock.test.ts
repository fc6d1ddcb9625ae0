import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lockDataDir } from '../../../src/adapters/data-dir-lock.js';

it('refuses a data directory whose lock a live process holds, and takes over the lock of a dead one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelane-lock-'));
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  writeFileSync(join(dir, 'runtime.lock'), `${holder.pid}\npipelane serve\n`);
  expect(() => lockDataDir(dir, 'run')).toThrow(`in use by process ${holder.pid} (pipelane serve)`);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  const release = lockDataDir(dir, 'run');
  expect(() => lockDataDir(dir, 'run')).not.toThrow();
  release();
});
