/**
 * What the client commands ask for, from a data directory or from a running
 * daemon: the same views either way (src/http/views.ts), so the output is the
 * same.
 */
import type { InstanceStatus } from '../engine/index.js';
import type { Page, UserTaskState } from '../ports/store.js';
import type { IncidentView, InstanceSummary, InstanceView, LogEntryView, TaskView } from '../http/views.js';

export interface InstanceQuery {
  process?: string;
  state?: InstanceStatus;
  limit?: number;
  cursor?: string;
}

export interface TaskQuery {
  /** Default: open. */
  state?: UserTaskState | 'all';
  instance?: string;
}

export interface Backend {
  listInstances(query: InstanceQuery): Promise<Page<InstanceSummary>>;
  getInstance(id: string): Promise<InstanceView>;
  listTasks(query: TaskQuery): Promise<TaskView[]>;
  completeTask(id: string, variables: Record<string, unknown>): Promise<TaskView>;
  cancel(id: string): Promise<{ id: string; state: InstanceStatus }>;
  /** Retries every open incident of the instance. */
  retry(id: string): Promise<IncidentView[]>;
  logs(id: string, task?: string): Promise<LogEntryView[]>;
  /** The stored lines, then new ones as they come, until none of the jobs is queued or running. */
  followLogs(id: string, task: string | undefined, onEntry: (entry: LogEntryView) => void): Promise<void>;
  close(): void;
}
