/**
 * One read-only copy of the repository per deployed revision, at
 * `<dataDir>/snapshots/<revision>`: the repoDir of that revision's
 * deployments, mounted at /repo in their tasks. Instances started on a
 * version keep reading its snapshot while newer commits arrive.
 *
 * A snapshot is written into a temporary directory and renamed into place,
 * so one that exists is complete; a crash leaves a `.tmp-*` that the next
 * prune removes.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

export class Snapshots {
  constructor(readonly root: string) {}

  dirOf(revision: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(revision)) throw new Error(`not a revision id: ${revision}`);
    return join(this.root, revision);
  }

  /** The snapshot of `revision`, written by `write(dir)` the first time. */
  async ensure(revision: string, write: (dir: string) => Promise<void>): Promise<string> {
    const dir = this.dirOf(revision);
    if (existsSync(dir)) return dir;
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${revision}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    try {
      await write(tmp);
      await makeReadOnly(tmp);
      await rename(tmp, dir);
    } catch (error) {
      await removeTree(tmp);
      if (existsSync(dir)) return dir; // another sync wrote it meanwhile
      throw error;
    }
    return dir;
  }

  /** Removes snapshots no deployment in `keep` (a set of snapshot directories) needs, and leftovers of crashes. */
  async prune(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    const entries = await readdir(this.root).catch(() => [] as string[]);
    for (const name of entries) {
      const dir = join(this.root, name);
      if (keep.has(dir)) continue;
      await removeTree(dir);
      removed.push(name);
    }
    return removed;
  }
}

/** Copies the listed files of a working tree into `dest`. */
export async function copyFiles(root: string, paths: Iterable<string>, dest: string): Promise<void> {
  const made = new Set<string>();
  for (const path of paths) {
    const target = join(dest, path);
    const parent = dirname(target);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await copyFile(join(root, path), target);
  }
}

async function makeReadOnly(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeReadOnly(path);
    else if (entry.isFile()) await chmod(path, (await lstat(path)).mode & 0o555);
  }
  await chmod(dir, 0o555);
}

async function removeTree(dir: string): Promise<void> {
  const writable = async (d: string): Promise<void> => {
    await chmod(d, 0o755).catch(() => undefined);
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory()) await writable(join(d, entry.name));
    }
  };
  await writable(dir);
  await rm(dir, { recursive: true, force: true });
}
