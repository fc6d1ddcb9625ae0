/**
 * The durable store: deployments, instances with the engine's state, an
 * outbox of commands, jobs, timers, user tasks, the history of every event
 * and an index of job logs. Synchronous on purpose: one engine step commits
 * in one `transaction()` (state, commands and history together).
 */
import type { Command, RunJob } from '../engine/commands.js';
import type { InstanceState, InstanceStatus } from '../engine/state.js';
import type { DeploymentModel } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';

export interface DeploymentRecord {
  /** The version: stable for the same content (`<file>@<hash>`). */
  id: string;
  /** Repository-relative path of the .bpmn file. */
  file: string;
  /** Content hash of the .bpmn file and its sidecar. */
  hash: string;
  /** The commit it was deployed from, when the source is git. */
  commit?: string;
  processIds: string[];
  model: DeploymentModel;
  sidecar?: Sidecar;
  /** Host directory holding the repository files as this version saw them (mounted at /repo). */
  repoDir: string;
  deployedAt: number;
  /** False once a newer version of the file replaced it or the file was deleted: no new starts. */
  active: boolean;
}

export interface InstanceRecord {
  id: string;
  deploymentId: string;
  processId: string;
  status: InstanceStatus;
  state: InstanceState;
  createdAt: number;
  updatedAt: number;
}

export interface InstanceFilter {
  processId?: string;
  status?: InstanceStatus;
  limit: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface HistoryEntry {
  instanceId: string;
  at: number;
  /** The engine event type (`start`, `jobCompleted`, …) or a runtime fact (`jobStarted`, `incident`). */
  type: string;
  /** Who caused it: `system`, `scheduler`, `api:<token name>`, `email:<person>`, `github:<login>`, `cli`. */
  actor: string;
  data: Record<string, unknown>;
}

export interface OutboxEntry {
  id: number;
  instanceId: string;
  command: Command;
}

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  instanceId: string;
  elementId: string;
  state: JobState;
  attempt: number;
  startedAt?: number;
  endedAt?: number;
  /** How the last attempt ended, in words ("exit code 1", "timed out after 10m"). */
  message?: string;
  /** The last log line's timestamp stored, so a re-attach skips what is already there. */
  lastLogAt?: string;
  /** The engine's command, as the job was asked for (what to run, with which variables). */
  command?: RunJob;
}

export interface TimerRecord {
  id: string;
  instanceId: string;
  dueAt: number;
  elementId: string;
}

export type UserTaskState = 'open' | 'completed' | 'cancelled';

export interface UserTaskFilter {
  state?: UserTaskState;
  instanceId?: string;
  limit?: number;
  after?: Pick<UserTaskRecord, 'id' | 'createdAt'>;
}

export interface UserTaskRecord {
  id: string;
  instanceId: string;
  processId: string;
  elementId: string;
  name?: string;
  state: UserTaskState;
  /** The assignment and form as the engine gave them (extension attributes). */
  extensions: Record<string, string>;
  variables: Record<string, unknown>;
  createdAt: number;
  completedAt?: number;
  completedBy?: string;
}

/** Idempotency of things that must happen once: a webhook delivery, a schedule fire. */
export interface Store {
  transaction<T>(fn: () => T): T;
  close(): void;

  putDeployment(deployment: DeploymentRecord): void;
  getDeployment(id: string): DeploymentRecord | undefined;
  /** Newest first. */
  listDeployments(options?: { activeOnly?: boolean }): DeploymentRecord[];
  /** The active deployment that holds the process, if any. */
  activeDeploymentOf(processId: string): DeploymentRecord | undefined;
  setDeploymentActive(id: string, active: boolean): void;

  createInstance(instance: InstanceRecord): void;
  saveInstanceState(id: string, state: InstanceState, updatedAt: number): void;
  getInstance(id: string): InstanceRecord | undefined;
  listInstances(filter: InstanceFilter): Page<InstanceRecord>;
  /** Running instances waiting for a message of that name (message subscriptions in their state). */
  instancesWaitingForMessage(name: string): string[];
  instancesWaitingForSignal(name: string): string[];
  countInstances(): { processId: string; status: InstanceStatus; count: number }[];
  /** Open incidents of running instances, all told. */
  countOpenIncidents(): number;

  appendHistory(entry: HistoryEntry): void;
  listHistory(instanceId: string): HistoryEntry[];

  /** Adds commands to the outbox; they stay pending until marked applied. */
  addCommands(instanceId: string, commands: Command[]): void;
  pendingCommands(limit?: number): OutboxEntry[];
  markCommandApplied(id: number): void;

  putJob(job: JobRecord): void;
  getJob(id: string): JobRecord | undefined;
  listJobs(filter: { instanceId?: string; state?: JobState }): JobRecord[];

  putTimer(timer: TimerRecord): void;
  getTimer(id: string): TimerRecord | undefined;
  deleteTimer(id: string): void;
  /** Timers due at or before `at`, earliest first. */
  dueTimers(at: number, limit: number): TimerRecord[];
  nextTimer(): TimerRecord | undefined;
  countTimers(): number;

  putUserTask(task: UserTaskRecord): void;
  getUserTask(id: string): UserTaskRecord | undefined;
  /** Oldest first; `after` pages on: the tasks that come after that one. */
  listUserTasks(filter: UserTaskFilter): UserTaskRecord[];

  /** Records a key once; returns false when it was recorded before (a replayed delivery). */
  claimOnce(scope: string, key: string, at: number): boolean;
}
