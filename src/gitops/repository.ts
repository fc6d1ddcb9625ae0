/**
 * Where revisions come from. `--repo` is
 * - a URL (`https://…`, `ssh://…`, `git@host:…`, `file://…`): fetched into a
 *   bare repository at `<dataDir>/repo`, one commit deep (`--depth 1`), with
 *   a forced refspec — so large repositories, shallow ones and rewritten
 *   history (a force-push) all come down to "the branch now points here";
 * - a local path (a clone or a bare repository): read in place; a new commit
 *   on the branch is seen by watching its refs;
 * - a local path with `--worktree`: the working tree itself, as it is on
 *   disk, under a version named after its content hash.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { SimpleGit } from 'simple-git';
import { PipelaneError, toError } from '../errors.js';
import { extractTree, listTree, openGit, redact, resolveCommit, type GitAccess } from './git.js';
import type { FileTree } from './model-cache.js';
import { copyFiles, linkFrom, type SnapshotBase } from './snapshots.js';
import { worktreeRevision, worktreeTree } from './tree.js';

export interface RepositoryOptions {
  /** A URL or a local path. */
  repo: string;
  branch: string;
  /** The models live below this directory of the repository ('' for the root). */
  path: string;
  worktree: boolean;
  dataDir: string;
  access: GitAccess;
}

export interface Revision {
  /** The commit id, or `worktree-<hash>`. */
  id: string;
  tree: FileTree;
  /**
   * Writes the revision's files (below --path) into an empty directory;
   * given an existing snapshot, links the files it shares with it.
   */
  write(dest: string, base?: SnapshotBase): Promise<void | 'read-only'>;
}

export type RepositoryKind = 'remote' | 'local' | 'worktree';

export interface RepositorySource {
  readonly kind: RepositoryKind;
  /** Where it follows, with any credentials taken out. */
  readonly description: string;
  /**
   * The repository and directory it reads (not the branch: the same commit
   * is the same files on any branch). Kept with the sync state, so a restart
   * that follows another repository or --path reconciles again even when the
   * branch did not move.
   */
  readonly identity: string;
  /** The --path it reads below, normalised ('' for the root). */
  readonly path: string;
  /** Fetches when remote, and names the revision the branch (or working tree) is at now. */
  head(): Promise<string>;
  /** The files of a revision `head()` returned. */
  revision(id: string): Promise<Revision>;
  /**
   * Calls `onChange` soon after the branch or working tree may have changed;
   * resolves once watching (with a stop function).
   */
  watch(onChange: () => void): Promise<() => Promise<void>>;
  /** A git handle on the repository (for `pipelane plan` style questions). */
  readonly git: SimpleGit;
}

export function isRemote(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);
}

export async function openRepository(options: RepositoryOptions): Promise<RepositorySource> {
  const path = options.path.replace(/^\/+|\/+$/g, '');
  if (path.split('/').includes('..')) throw new PipelaneError('CONFIG_INVALID', `--path ${options.path} must stay inside the repository.`);
  if (isRemote(options.repo)) {
    refuseCredentials(options.repo);
    // Development mode reads files as they are on disk: a remote has none.
    if (options.worktree) throw new PipelaneError('CONFIG_INVALID', `--worktree reads a working tree on this machine; --repo ${redact(options.repo)} is a URL. Give the path of a clone, or leave out --worktree.`);
    return openRemote({ ...options, path });
  }
  const dir = resolve(options.repo);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PipelaneError('CONFIG_INVALID', `--repo ${options.repo} is neither a URL nor a directory.`);
  const git = openGit(dir, options.access);
  const gitDir = await git.raw(['rev-parse', '--git-common-dir']).then((out) => resolve(dir, out.trim()), () => undefined);
  if (!gitDir) throw new PipelaneError('CONFIG_INVALID', `--repo ${options.repo} is not a git repository.`);
  if (options.worktree) return openWorktree(git, dir, path, options);
  return commits('local', dir, gitDir, git, `refs/heads/${options.branch}`, { ...options, path }, () => Promise.resolve(), watchRefs(gitDir));
}

/**
 * A URL may name an ssh user (`ssh://git@host/…`, `git@host:…`): that is no
 * secret. Anything else before an `@` — `https://TOKEN@host/…`, a
 * user:password — would end up in .git/config and in error messages.
 */
function refuseCredentials(repo: string): void {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(repo);
  if (!match) return;
  const [, scheme, userinfo] = match as unknown as [string, string, string];
  if (/^(git\+)?ssh$/i.test(scheme) && !userinfo.includes(':')) return;
  throw new PipelaneError(
    'CONFIG_INVALID',
    `--repo ${redact(repo)} carries credentials in the URL; leave them out and put a token in PIPELANE_GIT_TOKEN (its user name, if not x-access-token, in PIPELANE_GIT_USERNAME) or an SSH key in PIPELANE_GIT_SSH_COMMAND.`,
  );
}

async function openRemote(options: RepositoryOptions): Promise<RepositorySource> {
  const dir = join(options.dataDir, 'repo');
  mkdirSync(dir, { recursive: true });
  const git = openGit(dir, options.access);
  if (!existsSync(join(dir, 'HEAD'))) await git.init(true);
  const remotes = await git.getRemotes(true);
  const origin = remotes.find((r) => r.name === 'origin');
  if (!origin) await git.addRemote('origin', options.repo);
  else if (origin.refs.fetch !== options.repo) await git.remote(['set-url', 'origin', options.repo]);
  const ref = `refs/remotes/origin/${options.branch}`;
  const fetch = async () => {
    try {
      await git.raw(['fetch', '--prune', '--no-tags', '--depth=1', 'origin', `+refs/heads/${options.branch}:${ref}`]);
    } catch (e) {
      throw new PipelaneError('GIT_FAILED', `fetching ${options.branch} from ${redact(options.repo, options.access)} failed: ${redact(toError(e).message, options.access).trim()}`);
    }
  };
  return commits('remote', dir, dir, git, ref, options, fetch, () => Promise.resolve(() => Promise.resolve()));
}

function commits(
  kind: 'remote' | 'local',
  dir: string,
  gitDir: string,
  git: SimpleGit,
  ref: string,
  options: RepositoryOptions,
  update: () => Promise<void>,
  watcher: (onChange: () => void) => Promise<() => Promise<void>>,
): RepositorySource {
  const location = kind === 'remote' ? redact(options.repo, options.access) : dir;
  const description = `${location} ${options.branch}${options.path ? ` --path ${options.path}` : ''}`;
  return {
    kind,
    description,
    identity: identityOf(location, options.path),
    path: options.path,
    git,
    async head() {
      await update();
      const commit = await resolveCommit(git, ref);
      if (!commit) throw new PipelaneError('GIT_FAILED', `${description}: the branch ${options.branch} does not exist.`);
      return commit;
    },
    async revision(commit) {
      const treeish = options.path ? `${commit}:${options.path}` : commit;
      const tree = await listTree(git, treeish).catch((e: unknown) => {
        throw new PipelaneError('GIT_FAILED', `${description}: commit ${commit.slice(0, 8)} has no directory ${options.path || '/'} (${redact(toError(e).message, options.access).trim()}).`);
      });
      const full = (dest: string) => extractTree(gitDir, treeish, dest, options.access);
      return {
        id: commit,
        tree,
        write: async (dest, base) => {
          if (base && (await linkFrom(base, tree, dest, (paths) => extractTree(gitDir, treeish, dest, options.access, paths)))) return 'read-only';
          await full(dest);
        },
      };
    },
    watch: watcher,
  };
}

function identityOf(location: string, path: string): string {
  return JSON.stringify({ repo: location, path });
}

/** Watches the branch refs of a local repository (loose refs and packed-refs); a push or commit moves one of them. */
function watchRefs(gitDir: string): (onChange: () => void) => Promise<() => Promise<void>> {
  const heads = join(gitDir, 'refs', 'heads');
  const wanted = (file: string) =>
    file === gitDir || file === join(gitDir, 'refs') || file === heads || file.startsWith(`${heads}/`) || file === join(gitDir, 'packed-refs');
  // One watcher on the git directory (filtered), not one per path: it is ready once, and only then complete.
  return (onChange) => watching(watch(gitDir, { ignoreInitial: true, ignored: (file: string) => !wanted(file) || file.endsWith('.lock') }), onChange);
}

/** Resolves once the watcher has its initial scan (changes before that would be missed). */
function watching(watcher: FSWatcher, onChange: () => void): Promise<() => Promise<void>> {
  watcher.on('all', onChange);
  return new Promise((resolveReady) => watcher.once('ready', () => resolveReady(() => watcher.close())));
}

async function openWorktree(git: SimpleGit, dir: string, path: string, options: RepositoryOptions): Promise<RepositorySource> {
  const root = resolve(dir, (await git.raw(['rev-parse', '--show-toplevel'])).trim());
  const sub = join(relative(root, dir), path).split('\\').join('/').replace(/^\.?\/?/, '');
  let last: { id: string; tree: Map<string, string> } | undefined;
  const base = join(root, sub);
  const dataDir = resolve(options.dataDir);
  const head = async () => {
    const tree = await worktreeTree(git, root, sub, dataDir);
    last = { id: worktreeRevision(tree), tree };
    return last.id;
  };
  return {
    kind: 'worktree',
    description: `${base} (working tree)`,
    identity: identityOf(root, sub),
    path: sub,
    git,
    head,
    async revision(id) {
      if (last?.id !== id) await head();
      const { tree } = last!;
      return { id: last!.id, tree, write: (dest) => copyFiles(base, tree.keys(), dest) };
    },
    watch(onChange) {
      return watching(watch(base, {
        ignoreInitial: true,
        ignored: (file: string) => {
          const rel = relative(base, file);
          if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
          if (file === dataDir || file.startsWith(`${dataDir}/`)) return true;
          return rel.split(/[\\/]/).some((part) => part === '.git' || part === 'node_modules' || part === '.pipelane');
        },
      }), onChange);
    },
  };
}
