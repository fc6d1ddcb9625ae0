/**
 * What GitOps keeps beside the Store: schedules and their fires, what each
 * reconciled revision deployed and which files it refused, and the current
 * revision. An adapter shares the Store's connection, so
 * `store.transaction(fn)` covers these writes too: a revision's deployments,
 * schedules and sync state commit together or not at all.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import type { ScheduleDefinition } from '../schedule/scheduler-sources.js';

export type ScheduleState = 'active' | 'removed';

export interface ScheduleRecord extends ScheduleDefinition {
  /** The version new instances start on: the active deployment of the file. */
  deploymentId: string;
  state: ScheduleState;
  createdAt: number;
  /** Created, last changed or re-added: the trigger counts from here and catch-up never reaches before it. */
  since: number;
  updatedAt: number;
  /** Every fire at or before this time has been decided (started, skipped, queued or dropped). */
  handledThrough: number;
  /** The last fire that started an instance. */
  lastFireAt?: number;
  /** The revision that last added or changed it. */
  revision?: string;
}

export type FireOutcome = 'started' | 'skipped' | 'queued' | 'failed';

export interface FireRecord {
  scheduleId: string;
  fireAt: number;
  outcome: FireOutcome;
  decidedAt: number;
  instanceId?: string;
  /** Why it was skipped or failed. */
  reason?: string;
  /** A started fire whose instance may still be running (for the overlap policy). */
  open: boolean;
}

export type RevisionFileStatus = 'deployed' | 'unchanged' | 'invalid' | 'removed';

export interface RevisionFile {
  file: string;
  status: RevisionFileStatus;
  /** The version active for the file after this revision (for an invalid file: the last good one, if any). */
  deploymentId?: string;
  processIds: string[];
  /** Errors and warnings of the file at this revision. */
  diagnostics: Diagnostic[];
}

export interface RevisionRecord {
  /** A commit id, or `worktree-<hash>` in --worktree mode. */
  revision: string;
  reconciledAt: number;
  files: RevisionFile[];
  schedules: { added: string[]; changed: string[]; removed: string[] };
}

export interface SyncState {
  revision: string;
  syncedAt: number;
  /** What the revision was read from (RepositorySource.identity); absent in state written before it was kept. */
  source?: string;
}

export interface GitOpsStore {
  putSchedule(schedule: ScheduleRecord): void;
  getSchedule(id: string): ScheduleRecord | undefined;
  /** Sorted by id. */
  listSchedules(filter?: { state?: ScheduleState }): ScheduleRecord[];

  /** Inserts or replaces the fire of (scheduleId, fireAt). */
  putFire(fire: FireRecord): void;
  /** Newest first. */
  listFires(scheduleId: string, filter: { outcome?: FireOutcome; open?: boolean; limit: number }): FireRecord[];
  /** Oldest first: the queue of a schedule with `overlap: queue`. */
  queuedFires(scheduleId: string, limit: number): FireRecord[];

  putRevision(revision: RevisionRecord): void;
  getRevision(revision: string): RevisionRecord | undefined;
  /** Newest first. */
  listRevisions(limit: number): RevisionRecord[];

  getSyncState(): SyncState | undefined;
  putSyncState(state: SyncState): void;
}
