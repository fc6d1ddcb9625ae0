/**
 * Reconciles the store with one revision of the repository: deploys the
 * files that changed, keeps the last good version of a file that does not
 * load (and records why), undeploys deleted files, and brings the schedules
 * in line by diff. Loading happens first; every write then commits in one
 * transaction, so a crash leaves the previous revision in effect and the
 * next start reconciles again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GitOpsStore, RevisionFile, RevisionRecord, ScheduleRecord } from '../ports/gitops-store.js';
import { silentLog, type Log } from '../ports/log.js';
import type { DeploymentRecord, Store } from '../ports/store.js';
import { schedulesOf, type ScheduleDefinition } from '../schedule/scheduler-sources.js';
import { diffFiles, diffSchedules, schedulesAfter, type FileDiff, type FileVersion } from './diff.js';
import { deploymentIdOf, ModelCache, type CachedSource, type FileTree, type LoadedModel } from './model-cache.js';
import { modelFilesOf } from './tree.js';

export interface RevisionInput {
  /** A commit id, or `worktree-<hash>`. */
  revision: string;
  /** The revision's files on disk (a read-only snapshot): the deployments' repoDir. */
  dir: string;
  tree: FileTree;
  /** What the revision was read from (RepositorySource.identity), kept with the sync state. */
  source?: string;
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
  /**
   * Where what the model cache knows is kept between runs (a JSON file; only
   * a cache): after a restart, files that did not change are taken from their
   * stored deployment instead of being parsed again.
   */
  indexFile?: string;
}

/**
 * What is in effect, kept between reconciles: the reconciler is the only
 * writer of deployments and schedule definitions in GitOps mode, so it reads
 * them from the store once (and again after a failed transaction).
 */
interface View {
  active: Map<string, DeploymentRecord>;
  schedules: Map<string, ScheduleDefinition>;
  /** The deployment each schedule starts. */
  scheduleDeployments: Map<string, string>;
}

export class Reconciler {
  readonly cache: ModelCache;
  private readonly log: Log;
  private view: View | undefined;
  private readonly definitions = new Map<string, ScheduleDefinition[]>();

  constructor(private readonly options: ReconcilerOptions) {
    this.log = options.log ?? silentLog;
    this.cache = options.cache ?? new ModelCache({ sources: readIndex(options.indexFile), load: (file, source) => this.recall(file, source) });
  }

  /** A file's version from its stored deployment: the model and sidecar as they were compiled. */
  private recall(file: string, source: CachedSource): LoadedModel | undefined {
    const deployment = this.options.store.getDeployment(deploymentIdOf({ file, version: source.version }));
    if (!deployment || deployment.hash !== source.version || !existsSync(deployment.repoDir)) return undefined;
    const loaded = { file, hash: '', model: deployment.model, ...(deployment.sidecar ? { sidecar: deployment.sidecar } : {}), diagnostics: [] };
    return { file, version: source.version, loaded };
  }

  async reconcile(input: RevisionInput): Promise<ReconcileOutcome> {
    const { store, gitops } = this.options;
    const files = modelFilesOf(input.tree);
    const parsedBefore = this.cache.parsed;
    const loaded = await mapLimit(files, LOAD_CONCURRENCY, (file) => this.cache.load(input.dir, input.tree, file));
    this.cache.retain(files);
    const parsed = this.cache.parsed - parsedBefore;

    const view = this.view ?? this.readView();
    const { active } = view;
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

    const wanted = schedulesAfter(diffs, current, next, (f) => this.definitionsOf(f));
    const deploymentByFile = new Map(diffs.map((d) => [d.file, deploymentOf(d)]));
    const scheduleDiff = diffSchedules([...view.schedules.values()], wanted);
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

    const nextActive = new Map<string, DeploymentRecord>();
    try {
      store.transaction(() => {
        for (const d of diffs) {
          if (d.change === 'added' || d.change === 'changed' || d.change === 'unchanged') {
            nextActive.set(d.file, this.activate(byFile.get(d.file)!, input, at, active.get(d.file)));
          } else if (d.change === 'removed') {
            store.setDeploymentActive(active.get(d.file)!.id, false);
          } else if (active.has(d.file)) nextActive.set(d.file, active.get(d.file)!);
        }
        // Rows are read fresh: the scheduler writes their progress (handledThrough, lastFireAt).
        const put = (s: ScheduleDefinition, fields: (was: ScheduleRecord | undefined) => Partial<ScheduleRecord>) => {
          const was = gitops.getSchedule(s.id);
          const deploymentId = deploymentByFile.get(s.file);
          if (!deploymentId) return;
          gitops.putSchedule({ ...(was ?? { createdAt: at, since: at, handledThrough: at }), ...s, deploymentId, state: 'active', updatedAt: at, ...fields(was) } as ScheduleRecord);
        };
        // Added (again, after a removal) or changed: the trigger counts from now; nothing before counts as missed.
        for (const s of scheduleDiff.added) put(s, (was) => ({ since: at, handledThrough: Math.max(at, was?.handledThrough ?? at), revision: input.revision }));
        for (const { after } of scheduleDiff.changed) put(after, (was) => ({ since: at, handledThrough: Math.max(at, was?.handledThrough ?? at), revision: input.revision }));
        for (const s of scheduleDiff.unchanged) {
          if (view.scheduleDeployments.get(s.id) !== deploymentByFile.get(s.file)) put(s, (was) => ({ updatedAt: was?.updatedAt ?? at }));
        }
        for (const s of scheduleDiff.removed) {
          const was = gitops.getSchedule(s.id);
          if (was) gitops.putSchedule({ ...was, state: 'removed', updatedAt: at, revision: input.revision });
        }
        gitops.putRevision(record);
        gitops.putSyncState({ revision: input.revision, syncedAt: at, ...(input.source ? { source: input.source } : {}) });
      });
    } catch (error) {
      this.view = undefined; // what the store holds is read again next time
      throw error;
    }
    writeIndex(this.options.indexFile, this.cache.sources(), this.log);
    const live = wanted.filter((s) => deploymentByFile.get(s.file));
    this.view = {
      active: nextActive,
      schedules: new Map(live.map((s) => [s.id, s])),
      scheduleDeployments: new Map(live.map((s) => [s.id, deploymentByFile.get(s.file)!])),
    };

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
  private activate(model: LoadedModel, input: RevisionInput, at: number, before: DeploymentRecord | undefined): DeploymentRecord {
    const { store } = this.options;
    const id = deploymentIdOf(model);
    if (before?.id === id && before.active) return before;
    if (before) store.setDeploymentActive(before.id, false);
    const existing = store.getDeployment(id);
    if (existing && existsSync(existing.repoDir)) {
      store.setDeploymentActive(id, true);
      return { ...existing, active: true };
    }
    const m = model.loaded.model!;
    const record: DeploymentRecord = {
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
    };
    store.putDeployment(record);
    return record;
  }

  /** Active deployments by file and active schedules, as the store holds them. */
  private readView(): View {
    const active = new Map<string, DeploymentRecord>();
    for (const d of this.options.store.listDeployments({ activeOnly: true })) if (!active.has(d.file)) active.set(d.file, d);
    const stored = this.options.gitops.listSchedules({ state: 'active' });
    return { active, schedules: new Map(stored.map((s) => [s.id, s])), scheduleDeployments: new Map(stored.map((s) => [s.id, s.deploymentId])) };
  }

  /** The schedule definitions of a version: the same for the same content, so worked out once. */
  private definitionsOf(f: FileVersion): ScheduleDefinition[] {
    const key = `${f.file}@${f.version ?? ''}`;
    let definitions = this.definitions.get(key);
    if (!definitions) {
      definitions = f.model ? schedulesOf(f.file, f.model, f.sidecar) : [];
      this.definitions.set(key, definitions);
    }
    return definitions;
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

/** Files loaded at once: their reads and script checks overlap with parsing the others. */
const LOAD_CONCURRENCY = 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function readIndex(file: string | undefined): Map<string, CachedSource> {
  if (!file || !existsSync(file)) return new Map();
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, CachedSource>));
  } catch {
    return new Map(); // a damaged cache is an empty one
  }
}

function writeIndex(file: string | undefined, sources: Map<string, CachedSource>, log: Log): void {
  if (!file) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(Object.fromEntries(sources)));
    renameSync(`${file}.tmp`, file);
  } catch (e) {
    log.warn({ file, err: (e as Error).message }, 'could not write the model index; the next start parses every model again');
  }
}
