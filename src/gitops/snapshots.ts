/**
 * One read-only copy of the repository per deployed revision, at
 * `<dataDir>/snapshots/<revision>` (with --path, `<revision>.<8 hex>`): the
 * repoDir of that revision's deployments, mounted at /repo in their tasks.
 * Instances started on a version keep reading its snapshot while newer
 * commits arrive.
 *
 * A snapshot is written into a temporary directory and renamed into place,
 * so one that exists is complete; a crash leaves a `.tmp-*` that the next
 * prune removes. A new snapshot hard-links the files it shares with the
 * previous one (they are read-only, so nothing writes through a link) and
 * writes only what changed: a commit touching one file of a large
 * repository costs a few links, not a checkout.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { FileTree } from './model-cache.js';

const run = promisify(execFile);

/** A snapshot that exists and the tree it holds: what a new one may link from. */
export interface SnapshotBase {
  dir: string;
  tree: FileTree;
  /** Fills an empty directory with links to `dir`'s files (default: `cp -al`). */
  link?: (dest: string) => Promise<void>;
}

export class Snapshots {
  /** A linked copy of the current snapshot, made in the background for the next one to start from. */
  private spare: { base: string; dir: string; ready: Promise<boolean> } | undefined;
  /** Spares still being linked: prune leaves them alone. */
  private readonly linking = new Set<string>();

  /**
   * `path`: the directory of the repository that commits are read below.
   * The same commit read below another --path is other files, so its
   * snapshot gets another name (`<commit>.<hash of path>`).
   */
  constructor(
    readonly root: string,
    private readonly path = '',
  ) {}

  /**
   * Links a copy of the snapshot `baseDir` in the background: the next
   * revision's snapshot then starts from it instead of linking its files
   * while a push waits.
   */
  prepare(baseDir: string): void {
    if (this.spare?.base === baseDir || !existsSync(baseDir)) return;
    const old = this.spare;
    const dir = join(this.root, `.spare-${randomBytes(4).toString('hex')}`);
    this.linking.add(dir);
    const ready = run('cp', ['-al', baseDir, dir]).then(() => true, () => false).finally(() => this.linking.delete(dir));
    this.spare = { base: baseDir, dir, ready };
    if (old) void old.ready.then(() => removeTree(old.dir));
  }

  /** Waits for a spare being linked (before the data directory goes away). */
  async settle(): Promise<void> {
    await this.spare?.ready;
  }

  /** Fills the empty `dest` with links to the files of `baseDir`: the spare when it is of that snapshot, else now. */
  async linkInto(baseDir: string, dest: string): Promise<void> {
    const spare = this.spare;
    if (spare?.base === baseDir && (await spare.ready) && this.spare === spare) {
      this.spare = undefined;
      await rmdir(dest);
      await rename(spare.dir, dest);
      return;
    }
    await run('cp', ['-al', `${baseDir}/.`, dest]);
  }

  dirOf(revision: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(revision)) throw new Error(`not a revision id: ${revision}`);
    return join(this.root, this.path ? `${revision}.${createHash('sha256').update(this.path).digest('hex').slice(0, 8)}` : revision);
  }

  /**
   * The snapshot of `revision`, written by `write(dir)` the first time;
   * `write` answers 'read-only' when it left every file read-only itself.
   */
  async ensure(revision: string, write: (dir: string) => Promise<void | 'read-only'>): Promise<string> {
    const dir = this.dirOf(revision);
    if (existsSync(dir)) return dir;
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${revision}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    try {
      // Files read-only; directories stay the owner's, so a later snapshot can link into copies of them.
      if ((await write(tmp)) !== 'read-only') await run('find', [tmp, '-type', 'f', '-exec', 'chmod', 'a-w', '{}', '+']);
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
      if (keep.has(dir) || dir === this.spare?.dir || this.linking.has(dir)) continue;
      await removeTree(dir);
      removed.push(name);
    }
    return removed;
  }
}

/**
 * Fills `dest` with `tree`, linking from `base` what did not change and
 * calling `writeChanged(paths)` for the rest (added or modified files).
 * Returns false, having done nothing, when too much changed for links to pay.
 */
export async function linkFrom(base: SnapshotBase, tree: FileTree, dest: string, writeChanged: (paths: string[]) => Promise<void>): Promise<boolean> {
  const changed = [...tree].filter(([path, blob]) => base.tree.get(path) !== blob).map(([path]) => path);
  if (changed.length > 500 || changed.length > tree.size / 2) return false;
  await (base.link ? base.link(dest) : run('cp', ['-al', `${base.dir}/.`, dest]));
  const gone = [...base.tree.keys()].filter((path) => !tree.has(path));
  for (const path of [...changed, ...gone]) await rm(join(dest, path), { force: true });
  for (const path of gone) await removeEmptyParents(dest, path);
  if (changed.length > 0) {
    await writeChanged(changed);
    await run('chmod', ['a-w', '--', ...changed.map((p) => join(dest, p))]);
  }
  return true;
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

async function removeEmptyParents(root: string, path: string): Promise<void> {
  for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    try {
      await rmdir(join(root, dir));
    } catch {
      return; // not empty
    }
  }
}

async function removeTree(dir: string): Promise<void> {
  // Directories only: files may be hard links shared with snapshots that stay, and unlinking needs no write bit on them.
  await run('find', [dir, '-type', 'd', '-exec', 'chmod', 'u+w', '{}', '+']).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
