/**
 * A revision's files as path → blob id: from git for a commit, by hashing
 * for a working tree (the same sha1 git gives a blob, so the two agree and
 * the model cache is shared between them).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { SKIPPED_DIRS } from './discover.js';
import type { FileTree } from './model-cache.js';

/** The `.bpmn` files of a tree, sorted, outside node_modules/.git/.pipelane. */
export function modelFilesOf(tree: FileTree): string[] {
  return [...tree.keys()].filter((p) => p.endsWith('.bpmn') && !p.split('/').slice(0, -1).some((d) => SKIPPED_DIRS.has(d))).sort();
}

/** git's blob id of some content: sha1("blob <size>\0<content>"). */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * The files of a working tree that git would commit (tracked, or untracked
 * and not ignored), under `subdir`, relative to it, with their blob ids.
 * node_modules, .git and .pipelane are left out, and so is `exclude` (the
 * data directory, when it lies inside the working tree).
 */
export async function worktreeTree(git: SimpleGit, root: string, subdir: string, exclude?: string): Promise<Map<string, string>> {
  const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'];
  const out = await git.raw(subdir ? [...args, '--', subdir] : args);
  const prefix = subdir ? `${subdir.replace(/\/+$/, '')}/` : '';
  const tree = new Map<string, string>();
  await Promise.all(
    out
      .split('\0')
      .filter((p) => p !== '' && p.startsWith(prefix))
      .filter((p) => !p.split('/').some((part) => SKIPPED_DIRS.has(part)))
      .filter((p) => exclude === undefined || !`${join(root, p)}/`.startsWith(`${exclude}/`))
      .map(async (path) => {
        // A file deleted but not yet staged is still listed: it is simply not there.
        const content = await readFile(join(root, path)).catch(() => undefined);
        if (content) tree.set(path.slice(prefix.length), blobId(content));
      }),
  );
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One id for a whole tree: `worktree-<16 hex>` of its paths and blobs. */
export function worktreeRevision(tree: FileTree): string {
  const hash = createHash('sha256');
  for (const [path, blob] of tree) hash.update(`${path}\0${blob}\n`);
  return `worktree-${hash.digest('hex').slice(0, 16)}`;
}
