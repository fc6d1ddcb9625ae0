/**
 * GitOps put together for the daemon: the repository source, snapshots, the
 * reconciler, the sync loop and the scheduler, over the Store and the
 * GitOpsStore. `serve` builds one with `openGitOps` and starts it after the
 * runtime recovered.
 */
import { join } from 'node:path';
import type { Clock } from '../ports/clock.js';
import type { FireRecord, GitOpsStore, RevisionRecord, ScheduleRecord } from '../ports/gitops-store.js';
import { silentLog, type Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import { Scheduler, type ScheduleStarter } from '../schedule/scheduler.js';
import { compileTrigger } from '../schedule/scheduler-triggers.js';
import type { GitAccess } from './git.js';
import { Reconciler } from './reconcile.js';
import { openRepository, type RepositorySource } from './repository.js';
import { Snapshots } from './snapshots.js';
import { Sync, type SyncStatus } from './sync.js';

export interface GitOpsOptions {
  repo: string;
  branch: string;
  path: string;
  worktree: boolean;
  pollMs: number;
  dataDir: string;
  access: GitAccess;
  store: Store;
  gitops: GitOpsStore;
  clock: Clock;
  starter: ScheduleStarter;
  log?: Log;
}

export interface ScheduleView extends ScheduleRecord {
  nextFireAt?: number;
  /** The next few fires, for people. */
  upcoming: number[];
  problem?: string;
}

export class GitOps {
  private constructor(
    readonly source: RepositorySource,
    readonly sync: Sync,
    readonly scheduler: Scheduler,
    readonly reconciler: Reconciler,
    private readonly options: GitOpsOptions,
  ) {}

  static async open(options: GitOpsOptions): Promise<GitOps> {
    const log = options.log ?? silentLog;
    const source = await openRepository(options);
    const scheduler = new Scheduler({ store: options.store, schedules: options.gitops, clock: options.clock, starter: options.starter, log });
    const reconciler = new Reconciler({ store: options.store, gitops: options.gitops, now: () => options.clock.now(), log, indexFile: join(options.dataDir, 'model-index.json') });
    const sync = new Sync({
      source,
      reconciler,
      // A working-tree revision's id already hashes its files; a commit's files depend on --path too.
      snapshots: new Snapshots(join(options.dataDir, 'snapshots'), source.kind === 'worktree' ? '' : source.path),
      store: options.store,
      gitops: options.gitops,
      clock: options.clock,
      pollMs: options.pollMs,
      log,
      access: options.access,
      debounceMs: options.worktree ? 150 : 50,
      onReconciled: () => scheduler.reload(),
    });
    return new GitOps(source, sync, scheduler, reconciler, options);
  }

  /** The first sync (a failure is reported in status, the stored revision stays), then the schedules. */
  async start(): Promise<void> {
    await this.sync.start();
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.sync.stop();
  }

  status(): SyncStatus {
    return this.sync.status();
  }

  /**
   * Schedules with their next fire (from the scheduler, without computing)
   * and, when asked, the next `upcoming` fires; removed ones only when asked.
   */
  schedules(options: { includeRemoved?: boolean; upcoming?: number } = {}): ScheduleView[] {
    const now = this.options.clock.now();
    const upcoming = options.upcoming ?? 0;
    const records = this.options.gitops.listSchedules(options.includeRemoved ? {} : { state: 'active' });
    return records.map((record) => {
      const known = this.scheduler.nextFireOf(record.id);
      if (upcoming === 0 && known) return { ...record, ...(known.at === undefined ? {} : { nextFireAt: known.at }), upcoming: [] };
      const view = scheduleView(record, now, Math.max(upcoming, 1));
      return { ...view, upcoming: view.upcoming.slice(0, upcoming) };
    });
  }

  /** The decided fires of a schedule, newest first. */
  fires(scheduleId: string, limit: number): FireRecord[] {
    return this.options.gitops.listFires(scheduleId, { limit });
  }

  revisions(limit: number): RevisionRecord[] {
    return this.options.gitops.listRevisions(limit);
  }

  revision(id: string): RevisionRecord | undefined {
    return this.options.gitops.getRevision(id);
  }
}

export function scheduleView(record: ScheduleRecord, now: number, count: number): ScheduleView {
  if (record.state !== 'active') return { ...record, upcoming: [] };
  const trigger = compileTrigger(record.trigger, record.since);
  if (!trigger.ok) return { ...record, upcoming: [], problem: trigger.message };
  const upcoming: number[] = [];
  for (let at = trigger.value.next(Math.max(now, record.handledThrough)); at !== undefined && upcoming.length < count; at = trigger.value.next(at)) upcoming.push(at);
  return { ...record, ...(upcoming[0] !== undefined ? { nextFireAt: upcoming[0] } : {}), upcoming };
}
