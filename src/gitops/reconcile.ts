/**
 * Reconciles the store with one revision of the repository: deploys the
 * files that changed, keeps the last good version of a file that does not
 * load (and records why), undeploys deleted files, and brings the schedules
 * in line by diff. Loading happens first; every write then commits in one
 * transaction, so a crash leaves the previous revision in effect and the
 * next start reconciles again.
 */
import { existsSync } from 'node:fs';
import type { GitOpsStore, RevisionFile, RevisionRecord, ScheduleRecord } from '../ports/gitops-store.js';
import { silentLog, type Log } from '../ports/log.js';
import type { DeploymentRecord, Store } from '../ports/store.js';
import type { ScheduleDefinition } from '../schedule/scheduler-sources.js';
import { diffFiles, diffSchedules, schedulesAfter, type FileDiff, type FileVersion } from './diff.js';
import { deploymentIdOf, ModelCache, type FileTree, type LoadedModel } from './model-cache.js';
import { modelFilesOf } from './tree.js';

export interface RevisionInput {
  /** A commit id, or `worktree-<hash>`. */
  revision: string;
  /** The revision's files on disk (a read-only snapshot): the deployments' repoDir. */
  dir: string;
  tree: FileTree;
}

export interface ReconcileOutcome {
  record: RevisionRecord;
  /** Files parsed again (the rest came from the cache). */
  parsed: number;
  /** False when the revision changed nothing in the store but the sync time. */
  changed: boolean;
}

export interface ReconcilerOptions {
  store: Store;
  gitops: GitOpsStore;
  now: () => number;
  log?: Log;
  cache?: ModelCache;
}

export class Reconciler {
  readonly cache: ModelCache;
  private readonly log: Log;

  constructor(private readonly options: ReconcilerOptions) {
    this.cache = options.cache ?? new ModelCache();
    this.log = options.log ?? silentLog;
  }

  async reconcile(input: RevisionInput): Promise<ReconcileOutcome> {
    const { store, gitops } = this.options;
    const files = modelFilesOf(input.tree);
    const parsedBefore = this.cache.parsed;
    const loaded: LoadedModel[] = [];
    for (const file of files) loaded.push(await this.cache.load(input.dir, input.tree, file));
    this.cache.retain(files);
    const parsed = this.cache.parsed - parsedBefore;

    const active = new Map<string, DeploymentRecord>();
    for (const d of store.listDeployments({ activeOnly: true })) if (!active.has(d.file)) active.set(d.file, d);
    const current = new Map<string, FileVersion>([...active].map(([file, d]) => [file, versionOf(d)]));
    const next: FileVersion[] = loaded.map((m) => ({
      file: m.file,
      version: m.version,
      ...(m.loaded.model ? { model: m.loaded.model } : {}),
      ...(m.loaded.sidecar ? { sidecar: m.loaded.sidecar } : {}),
      diagnostics: m.loaded.diagnostics,
    }));
    const diffs = diffFiles(current, next);
    const at = this.options.now();
    const byFile = new Map(loaded.map((m) => [m.file, m]));
    const deploymentOf = (d: FileDiff) =>
      d.change === 'invalid' ? active.get(d.file)?.id : d.version ? deploymentIdOf({ file: d.file, version: d.version }) : undefined;

    const wanted = schedulesAfter(diffs, current, next);
    const deploymentByFile = new Map(diffs.map((d) => [d.file, deploymentOf(d)]));
    const stored = gitops.listSchedules();
    const scheduleDiff = diffSchedules(stored.filter((s) => s.state === 'active'), wanted);
    const record: RevisionRecord = {
      revision: input.revision,
      reconciledAt: at,
      files: diffs.map((d) => revisionFile(d, deploymentOf(d))),
      schedules: {
        added: scheduleDiff.added.map((s) => s.id),
        changed: scheduleDiff.changed.map((c) => c.after.id),
        removed: scheduleDiff.removed.map((s) => s.id),
      },
    };
    const changed = diffs.some((d) => d.change !== 'unchanged') || record.schedules.added.length + record.schedules.changed.length + record.schedules.removed.length > 0;

    store.transaction(() => {
      for (const d of diffs) {
        if (d.change === 'added' || d.change === 'changed' || d.change === 'unchanged') {
          this.activate(byFile.get(d.file)!, input, at, active.get(d.file));
        } else if (d.change === 'removed') {
          store.setDeploymentActive(active.get(d.file)!.id, false);
        }
      }
      const storedById = new Map(stored.map((s) => [s.id, s]));
      const put = (s: ScheduleDefinition, fields: Partial<ScheduleRecord>) => {
        const was = storedById.get(s.id);
        const deploymentId = deploymentByFile.get(s.file);
        if (!deploymentId) return;
        gitops.putSchedule({
          ...(was ?? { createdAt: at, since: at, handledThrough: at }),
          ...s,
          deploymentId,
          state: 'active',
          updatedAt: at,
          ...fields,
        } as ScheduleRecord);
      };
      // A schedule added again after removal starts afresh: nothing from before counts as missed.
      for (const s of scheduleDiff.added) put(s, { since: at, handledThrough: Math.max(at, storedById.get(s.id)?.handledThrough ?? at), revision: input.revision });
      for (const { after } of scheduleDiff.changed) put(after, { since: at, handledThrough: Math.max(at, storedById.get(after.id)!.handledThrough), revision: input.revision });
      for (const s of scheduleDiff.unchanged) {
        const was = storedById.get(s.id)!;
        if (was.deploymentId !== deploymentByFile.get(s.file)) put(s, { updatedAt: was.updatedAt });
      }
      for (const s of scheduleDiff.removed) {
        const was = storedById.get(s.id)!;
        gitops.putSchedule({ ...was, state: 'removed', updatedAt: at, revision: input.revision });
      }
      gitops.putRevision(record);
      gitops.putSyncState({ revision: input.revision, syncedAt: at });
    });

    for (const f of record.files) {
      if (f.status === 'invalid') {
        const errors = f.diagnostics.filter((d) => d.severity === 'error');
        this.log.error(
          { revision: input.revision, file: f.file, kept: f.deploymentId ?? null, errors: errors.map((d) => ({ file: d.file, element: d.element, rule: d.rule, message: d.message })) },
          `${f.file} at ${short(input.revision)} is invalid (${errors.length} error(s)); ${f.deploymentId ? `${f.deploymentId} stays active` : 'it is not deployed'}`,
        );
      } else if (f.status === 'deployed') this.log.info({ revision: input.revision, file: f.file, deployment: f.deploymentId }, `deployed ${f.deploymentId}`);
      else if (f.status === 'removed') this.log.info({ revision: input.revision, file: f.file }, `${f.file} was deleted: no new starts, running instances finish`);
    }
    return { record, parsed, changed };
  }

  /** Makes the file's loaded version its one active deployment (inside the caller's transaction). */
  private activate(model: LoadedModel, input: RevisionInput, at: number, before: DeploymentRecord | undefined): void {
    const { store } = this.options;
    const id = deploymentIdOf(model);
    if (before && before.id !== id) store.setDeploymentActive(before.id, false);
    const existing = before?.id === id ? before : store.getDeployment(id);
    if (existing && existing.active && existsSync(existing.repoDir)) return;
    if (existing && existsSync(existing.repoDir)) {
      store.setDeploymentActive(id, true);
      return;
    }
    const m = model.loaded.model!;
    store.putDeployment({
      id,
      file: model.file,
      hash: model.version,
      commit: input.revision,
      processIds: Object.values(m.processes).filter((p) => p.isExecutable).map((p) => p.id),
      model: m,
      ...(model.loaded.sidecar ? { sidecar: model.loaded.sidecar } : {}),
      repoDir: input.dir,
      deployedAt: existing?.deployedAt ?? at,
      active: true,
    });
  }
}

function versionOf(d: DeploymentRecord): FileVersion {
  return { file: d.file, version: d.hash, model: d.model, ...(d.sidecar ? { sidecar: d.sidecar } : {}), diagnostics: [] };
}

function revisionFile(d: FileDiff, deploymentId: string | undefined): RevisionFile {
  const status = d.change === 'added' || d.change === 'changed' ? 'deployed' : d.change;
  return { file: d.file, status, ...(deploymentId ? { deploymentId } : {}), processIds: d.processIds, diagnostics: d.diagnostics };
}

function short(revision: string): string {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 8) : revision;
}
