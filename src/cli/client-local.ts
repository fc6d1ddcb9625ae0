/**
 * The client commands on a data directory: reads straight from the SQLite
 * store; what changes an instance is committed as one engine step whose
 * commands stay in the outbox until the daemon (or `pipelane run`) working on
 * that directory applies them.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { completeUserTask } from '../approvals/complete-task.js';
import { openSqliteStore } from '../adapters/sqlite/index.js';
import { cancelInstance, requireInstance, retryInstance, type InstanceControl } from '../http/instance-actions.js';
import { instanceSummary, instanceView, jobsOf, logEntries, logEntryView, taskView, type LogEntryView } from '../http/views.js';
import type { Store } from '../ports/store.js';
import { commitStep } from '../runtime/commit.js';
import { JobLogStore } from '../runtime/job-logs.js';
import type { Backend, InstanceQuery, TaskQuery } from './client-backend.js';

const ACTOR = 'cli';
const FOLLOW_POLL_MS = 500;

export class LocalBackend implements Backend {
  private readonly store: Store;
  private readonly logStore: JobLogStore;
  private readonly control: InstanceControl;

  constructor(dataDir: string) {
    this.store = openSqliteStore(dataDir);
    this.logStore = new JobLogStore({ dir: join(dataDir, 'logs') });
    this.control = { store: this.store, send: (id, event, actor) => commitStep(this.store, id, event, actor), now: () => Date.now() };
  }

  async listInstances(query: InstanceQuery) {
    const page = this.store.listInstances({
      limit: query.limit ?? 50,
      ...(query.process ? { processId: query.process } : {}),
      ...(query.state ? { status: query.state } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { items: page.items.map(instanceSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  async getInstance(id: string) {
    return instanceView(this.store, requireInstance(this.store, id));
  }

  async listTasks(query: TaskQuery) {
    const state = query.state ?? 'open';
    return this.store
      .listUserTasks({ ...(state !== 'all' ? { state } : {}), ...(query.instance ? { instanceId: query.instance } : {}) })
      .map(taskView);
  }

  async completeTask(id: string, variables: Record<string, unknown>) {
    return taskView(completeUserTask(this.store, id, variables, ACTOR, Date.now()));
  }

  async cancel(id: string) {
    cancelInstance(this.control, id, ACTOR);
    return { id, state: requireInstance(this.store, id).status };
  }

  async retry(id: string) {
    return retryInstance(this.control, id, ACTOR);
  }

  async logs(id: string, task?: string) {
    requireInstance(this.store, id);
    return logEntries(this.logStore, jobsOf(this.store, id, task));
  }

  /** Another process writes the log files: read them again every half second. */
  async followLogs(id: string, task: string | undefined, onEntry: (entry: LogEntryView) => void) {
    requireInstance(this.store, id);
    const printed = new Map<string, number>();
    for (;;) {
      // Look at the jobs first, then read: a job that ended meanwhile still has its last lines read.
      const instance = requireInstance(this.store, id);
      const jobs = jobsOf(this.store, id, task);
      const busy = instance.status === 'running' && jobs.some((j) => j.state === 'queued' || j.state === 'running');
      for (const job of jobs) {
        const entries = await this.logStore.read(job.id);
        for (const entry of entries.slice(printed.get(job.id) ?? 0)) onEntry(logEntryView(job, entry));
        printed.set(job.id, entries.length);
      }
      if (!busy) return;
      await sleep(FOLLOW_POLL_MS);
    }
  }

  close(): void {
    this.store.close();
  }
}
