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
  /** The models live below this directory of the repository. */
  path?: string;
  access: GitAccess;
  now: number;
}

export async function computePlan(options: PlanOptions): Promise<Plan> {
  const git = openGit(options.repoDir, options.access);
  const top = (await git.raw(['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (!top) throw new PipelaneError('CONFIG_INVALID', `${options.repoDir} is not inside a git repository (plan compares git revisions).`);
  const path = (options.path ?? '').replace(/^\/+|\/+$/g, '');
  const to = options.to ? await named(git, options.to, '--to') : { revision: 'worktree', label: 'the working tree' };
  const from = options.from ? await named(git, options.from, '--from') : await defaultFrom(git, path, to.revision === 'worktree');
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

/**
 * Where a change starts: the merge-base with the default branch on a
 * feature branch; on the default branch itself, HEAD when the working tree
 * has changes (or HEAD~1 when it has none); the empty tree in a new repository.
 */
async function defaultFrom(git: SimpleGit, path: string, toWorktree: boolean): Promise<PlanSide> {
  const head = await resolveCommit(git, 'HEAD');
  if (!head) return { revision: 'empty', label: 'nothing (no commit yet)' };
  const base = await defaultBranch(git);
  if (base) {
    const mergeBase = (await git.raw(['merge-base', head, base]).catch(() => '')).trim();
    if (mergeBase && mergeBase !== head) return { revision: mergeBase, label: `merge-base with ${base.replace(/^refs\/(remotes\/|heads\/)/, '')}` };
  }
  const dirty = toWorktree && (await git.raw(['status', '--porcelain', '--untracked-files=all', '--', path || '.'])).trim() !== '';
  if (dirty) return { revision: head, label: 'HEAD' };
  const parent = await resolveCommit(git, 'HEAD~1');
  return parent ? { revision: parent, label: 'HEAD~1' } : { revision: 'empty', label: 'nothing (HEAD is the first commit)' };
}

async function defaultBranch(git: SimpleGit): Promise<string | undefined> {
  const symbolic = (await git.raw(['symbolic-ref', '-q', 'refs/remotes/origin/HEAD']).catch(() => '')).trim();
  if (symbolic) return symbolic;
  for (const ref of ['refs/remotes/origin/main', 'refs/remotes/origin/master', 'refs/heads/main', 'refs/heads/master']) {
    if (await resolveCommit(git, ref)) return ref;
  }
  return undefined;
}
