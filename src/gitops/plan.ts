/**
 * `pipelane plan`: what merging a revision would change — processes added,
 * given a new version or removed; schedules added, changed or removed with
 * their next fires; files that would be refused. `planOf` is pure; `computePlan`
 * reads the two revisions from git (or the working tree).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { PipelaneError } from '../errors.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { schedulesOf, type ScheduleDefinition, type ScheduleTrigger } from '../schedule/scheduler-sources.js';
import { compileTrigger } from '../schedule/scheduler-triggers.js';
import { diffFiles, diffSchedules, schedulesAfter, type FileDiff, type FileVersion } from './diff.js';
import { extractTree, listTree, openGit, resolveCommit, type GitAccess } from './git.js';
import { ModelCache, type FileTree } from './model-cache.js';
import { modelFilesOf, worktreeTree } from './tree.js';

export interface PlanSide {
  /** A commit id, `worktree` or `empty`. */
  revision: string;
  /** How it was chosen, for people: `HEAD`, `merge-base with origin/main`, `--from v1.2`. */
  label: string;
}

export interface ProcessChange {
  processId: string;
  file: string;
  change: 'added' | 'changed' | 'removed';
  version?: string;
  previousVersion?: string;
}

export interface ScheduleChange {
  id: string;
  file: string;
  change: 'added' | 'changed' | 'removed';
  trigger: ScheduleTrigger;
  previousTrigger?: ScheduleTrigger;
  /** The next three fires, counted from now (for added and changed schedules). */
  next: number[];
}

export interface Plan {
  from: PlanSide;
  to: PlanSide;
  files: FileDiff[];
  processes: ProcessChange[];
  schedules: ScheduleChange[];
  /** Files of `to` with errors: they would not be deployed (their last good version stays). */
  invalid: { file: string; diagnostics: Diagnostic[] }[];
}

/** The changes from one set of model files to another. Pure. */
export function planOf(from: readonly FileVersion[], to: readonly FileVersion[], now: number): Omit<Plan, 'from' | 'to'> {
  const current = new Map(from.filter((f) => f.model && !hasErrors(f.diagnostics)).map((f) => [f.file, f]));
  const files = diffFiles(current, to);
  const processes: ProcessChange[] = [];
  for (const d of files) {
    const versions = { ...(d.version ? { version: d.version } : {}), ...(d.previousVersion ? { previousVersion: d.previousVersion } : {}) };
    if (d.change === 'invalid' || d.change === 'unchanged') continue;
    const before = new Set(d.previousProcessIds);
    const after = new Set(d.change === 'removed' ? [] : d.processIds);
    for (const id of after) processes.push({ processId: id, file: d.file, change: before.has(id) ? 'changed' : 'added', ...versions });
    for (const id of before) if (!after.has(id)) processes.push({ processId: id, file: d.file, change: 'removed', ...versions });
  }
  const before: ScheduleDefinition[] = [...current.values()].flatMap((f) => schedulesOf(f.file, f.model!, f.sidecar));
  const diff = diffSchedules(before, schedulesAfter(files, current, to));
  const next = (trigger: ScheduleTrigger) => {
    const compiled = compileTrigger(trigger, now);
    return compiled.ok ? compiled.value.between(now, Infinity, 3) : [];
  };
  const schedules: ScheduleChange[] = [
    ...diff.added.map((s) => ({ id: s.id, file: s.file, change: 'added' as const, trigger: s.trigger, next: next(s.trigger) })),
    ...diff.changed.map(({ before: b, after: a }) => ({ id: a.id, file: a.file, change: 'changed' as const, trigger: a.trigger, previousTrigger: b.trigger, next: next(a.trigger) })),
    ...diff.removed.map((s) => ({ id: s.id, file: s.file, change: 'removed' as const, trigger: s.trigger, next: [] })),
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  const invalid = files.filter((d) => d.change === 'invalid').map((d) => ({ file: d.file, diagnostics: d.diagnostics }));
  return { files, processes, schedules, invalid };
}

export interface PlanOptions {
  repoDir: string;
  from?: string;
  to?: string;
  /** What a daemon runs now (`--server`): the default `from`. `revision` is absent when it has deployed nothing yet. */
  deployed?: { revision?: string; server: string };
  /** The models live below this directory of the repository. */
  path?: string;
  access: GitAccess;
  now: number;
}

export async function computePlan(options: PlanOptions): Promise<Plan> {
  const top = (await openGit(options.repoDir, options.access).raw(['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (!top) throw new PipelaneError('CONFIG_INVALID', `${options.repoDir} is not inside a git repository (plan compares git revisions).`);
  // Paths (--path, pathspecs, `<rev>:<path>`) are relative to the repository's root, wherever --repo points inside it.
  const git = openGit(top, options.access);
  const path = (options.path ?? '').replace(/^\/+|\/+$/g, '');
  const to = options.to ? await named(git, options.to, '--to') : await defaultTo(git, path);
  const from = options.from ? await named(git, options.from, '--from') : options.deployed ? await deployedSide(git, options.deployed) : await defaultFrom(git, to);
  const cache = new ModelCache();
  const scratch = await mkdtemp(join(tmpdir(), 'pipelane-plan-'));
  try {
    const [before, after] = [await load(from, 'from'), await load(to, 'to')];
    return { from, to, ...planOf(before, after, options.now) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  async function load(side: PlanSide, name: string): Promise<FileVersion[]> {
    if (side.revision === 'empty') return [];
    let dir: string;
    let tree: FileTree;
    if (side.revision === 'worktree') {
      dir = join(top, path);
      tree = await worktreeTree(git, top, path);
    } else {
      const treeish = path ? `${side.revision}:${path}` : side.revision;
      tree = await listTree(git, treeish).catch(() => new Map<string, string>());
      dir = join(scratch, name);
      await mkdir(dir);
      if (tree.size > 0) await extractTree(top, treeish, dir, options.access);
    }
    const out: FileVersion[] = [];
    for (const file of modelFilesOf(tree)) {
      const m = await cache.load(dir, tree, file);
      out.push({ file, version: m.version, ...(m.loaded.model ? { model: m.loaded.model } : {}), ...(m.loaded.sidecar ? { sidecar: m.loaded.sidecar } : {}), diagnostics: m.loaded.diagnostics });
    }
    return out;
  }
}

async function named(git: SimpleGit, rev: string, flag: string): Promise<PlanSide> {
  const commit = await resolveCommit(git, rev);
  if (!commit) throw new PipelaneError('REVISION_NOT_FOUND', `${flag} ${rev} names no commit of this repository.`);
  return { revision: commit, label: `${flag} ${rev}` };
}

/** The working tree when it has changes below --path (what is about to be committed), else HEAD (what was). */
async function defaultTo(git: SimpleGit, path: string): Promise<PlanSide> {
  const head = await resolveCommit(git, 'HEAD');
  const dirty = (await git.raw(['status', '--porcelain', '--untracked-files=all', '--', path || '.'])).trim() !== '';
  return head && !dirty ? { revision: head, label: 'HEAD' } : { revision: 'worktree', label: 'the working tree' };
}

/** The commit a daemon runs, which must be in this clone to be read. */
async function deployedSide(git: SimpleGit, deployed: NonNullable<PlanOptions['deployed']>): Promise<PlanSide> {
  const { revision, server } = deployed;
  if (revision === undefined) return { revision: 'empty', label: `nothing (${server} has deployed nothing yet)` };
  if (revision.startsWith('worktree-')) {
    throw new PipelaneError('REVISION_NOT_FOUND', `${server} runs a working tree (${revision}), not a commit plan can read; pass --from.`);
  }
  const commit = await resolveCommit(git, revision);
  if (!commit) {
    throw new PipelaneError('REVISION_NOT_FOUND', `${server} runs ${revision.slice(0, 8)}, which this clone does not have: fetch it (git fetch origin ${revision}; in a workflow, checkout with fetch-depth: 0) or pass --from.`);
  }
  return { revision: commit, label: `deployed on ${server}` };
}

/**
 * Where a change starts: the merge-base with the default branch when `to`
 * is on another branch; on the default branch itself, HEAD for the working
 * tree and the parent for a commit; the empty tree before the first commit.
 */
async function defaultFrom(git: SimpleGit, to: PlanSide): Promise<PlanSide> {
  const head = await resolveCommit(git, 'HEAD');
  if (!head) return { revision: 'empty', label: 'nothing (no commit yet)' };
  const tip = to.revision === 'worktree' ? head : to.revision;
  const base = await defaultBranch(git);
  if (base) {
    const mergeBase = (await git.raw(['merge-base', tip, base]).catch(() => '')).trim();
    if (mergeBase && mergeBase !== tip) return { revision: mergeBase, label: `merge-base with ${base.replace(/^refs\/(remotes\/|heads\/)/, '')}` };
  }
  if (to.revision === 'worktree') return { revision: head, label: 'HEAD' };
  const parent = await resolveCommit(git, `${tip}~1`);
  const label = to.label === 'HEAD' ? 'HEAD~1' : `the parent of ${to.label}`;
  return parent ? { revision: parent, label } : { revision: 'empty', label: `nothing (${to.label} is the first commit)` };
}

async function defaultBranch(git: SimpleGit): Promise<string | undefined> {
  const symbolic = (await git.raw(['symbolic-ref', '-q', 'refs/remotes/origin/HEAD']).catch(() => '')).trim();
  if (symbolic) return symbolic;
  for (const ref of ['refs/remotes/origin/main', 'refs/remotes/origin/master', 'refs/heads/main', 'refs/heads/master']) {
    if (await resolveCommit(git, ref)) return ref;
  }
  return undefined;
}
