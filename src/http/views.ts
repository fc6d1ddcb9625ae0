/**
 * The shapes the REST API answers with, built from the store. The CLI prints
 * the same shapes whether it reads a data directory or asks a daemon, so both
 * roads give the same output.
 */
import type { Incident, InstanceStatus } from '../engine/index.js';
import type { DeploymentRecord, HistoryEntry, InstanceRecord, JobRecord, JobState, Store, UserTaskRecord, UserTaskState } from '../ports/store.js';
import type { JobLogEntry, JobLogStore } from '../runtime/job-logs.js';

export interface InstanceSummary {
  id: string;
  process: string;
  state: InstanceStatus;
  deploymentId: string;
  createdAt: string;
  updatedAt: string;
  openIncidents: number;
  variables: Record<string, unknown>;
}

export interface IncidentView {
  id: string;
  element: string;
  message: string;
  /** What a retry does: run the job again, or enter the element again. */
  retry: Incident['retry'];
  /** The failed job, for a job incident. */
  jobId?: string;
}

export interface JobView {
  id: string;
  element: string;
  state: JobState;
  attempt: number;
  startedAt?: string;
  endedAt?: string;
  message?: string;
}

export interface HistoryView {
  at: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface InstanceView extends Omit<InstanceSummary, 'openIncidents'> {
  incidents: IncidentView[];
  jobs: JobView[];
  endedAt?: string;
  error?: { code?: string; message: string };
  history: HistoryView[];
}

export interface TaskView {
  id: string;
  instanceId: string;
  process: string;
  element: string;
  name?: string;
  state: UserTaskState;
  assignment: Record<string, string>;
  variables: Record<string, unknown>;
  createdAt: string;
  completedAt?: string;
  completedBy?: string;
}

export interface DeploymentView {
  id: string;
  file: string;
  hash: string;
  commit?: string;
  processes: string[];
  deployedAt: string;
  active: boolean;
}

/** One line of a job's log, named by job and element. */
export interface LogEntryView {
  jobId: string;
  element: string;
  stream: JobLogEntry['stream'];
  at: string;
  text: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function instanceSummary(instance: InstanceRecord): InstanceSummary {
  return {
    id: instance.id,
    process: instance.processId,
    state: instance.status,
    deploymentId: instance.deploymentId,
    createdAt: iso(instance.createdAt),
    updatedAt: iso(instance.updatedAt),
    openIncidents: Object.keys(instance.state.incidents).length,
    variables: instance.state.variables,
  };
}

export function incidentViews(instance: InstanceRecord): IncidentView[] {
  return Object.values(instance.state.incidents).map((incident) => {
    const jobId = incident.retry === 'job' ? instance.state.nodes[incident.nodeId]?.jobId : undefined;
    return { id: incident.id, element: incident.elementId, message: incident.message, retry: incident.retry, ...(jobId ? { jobId } : {}) };
  });
}

export function jobView(job: JobRecord): JobView {
  return {
    id: job.id,
    element: job.elementId,
    state: job.state,
    attempt: job.attempt,
    ...(job.startedAt !== undefined ? { startedAt: iso(job.startedAt) } : {}),
    ...(job.endedAt !== undefined ? { endedAt: iso(job.endedAt) } : {}),
    ...(job.message !== undefined ? { message: job.message } : {}),
  };
}

export function historyView(entry: HistoryEntry): HistoryView {
  return { at: iso(entry.at), type: entry.type, actor: entry.actor, data: entry.data };
}

export function instanceView(store: Store, instance: InstanceRecord): InstanceView {
  const { openIncidents: _count, ...summary } = instanceSummary(instance);
  const { state } = instance;
  return {
    ...summary,
    variables: state.variables,
    incidents: incidentViews(instance),
    jobs: store.listJobs({ instanceId: instance.id }).map(jobView),
    ...(state.endedAt !== undefined ? { endedAt: iso(state.endedAt) } : {}),
    ...(state.error ? { error: state.error } : {}),
    history: store.listHistory(instance.id).map(historyView),
  };
}

export function taskView(task: UserTaskRecord): TaskView {
  return {
    id: task.id,
    instanceId: task.instanceId,
    process: task.processId,
    element: task.elementId,
    ...(task.name !== undefined ? { name: task.name } : {}),
    state: task.state,
    assignment: task.extensions,
    variables: task.variables,
    createdAt: iso(task.createdAt),
    ...(task.completedAt !== undefined ? { completedAt: iso(task.completedAt) } : {}),
    ...(task.completedBy !== undefined ? { completedBy: task.completedBy } : {}),
  };
}

export function deploymentView(deployment: DeploymentRecord): DeploymentView {
  return {
    id: deployment.id,
    file: deployment.file,
    hash: deployment.hash,
    ...(deployment.commit ? { commit: deployment.commit } : {}),
    processes: deployment.processIds,
    deployedAt: iso(deployment.deployedAt),
    active: deployment.active,
  };
}

/** The jobs whose logs a request means: all of the instance's, or those of one task (element id or job id). */
export function jobsOf(store: Store, instanceId: string, task?: string): JobRecord[] {
  return store
    .listJobs({ instanceId })
    .filter((job) => task === undefined || job.elementId === task || job.id === task)
    .sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity));
}

export function logEntryView(job: Pick<JobRecord, 'id' | 'elementId'>, entry: JobLogEntry): LogEntryView {
  return { jobId: job.id, element: job.elementId, stream: entry.stream, at: entry.at, text: entry.text };
}

/** Every stored log line of the jobs, oldest first. */
export async function logEntries(logs: JobLogStore, jobs: JobRecord[]): Promise<LogEntryView[]> {
  const out: LogEntryView[] = [];
  for (const job of jobs) for (const entry of await logs.read(job.id)) out.push(logEntryView(job, entry));
  // Stable: lines of one job keep their order; parallel jobs interleave by time.
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
