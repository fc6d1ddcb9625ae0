/**
 * The Store port on one SQLite file. Each table group has its own class with
 * statements prepared once; this class adds transactions and turns SQLite
 * failures into STORE_FAILED naming the operation.
 */
import type Database from 'better-sqlite3';
import type { Command } from '../../engine/commands.js';
import type { InstanceState } from '../../engine/state.js';
import { PipelaneError } from '../../errors.js';
import type {
  DeploymentRecord,
  HistoryEntry,
  InstanceFilter,
  InstanceRecord,
  JobRecord,
  JobState,
  OutboxEntry,
  Page,
  Store,
  TimerRecord,
  UserTaskFilter,
  UserTaskRecord,
  UserTaskState,
} from '../../ports/store.js';
import { type Connection, isSqliteError, openConnection, storeFailed } from './connection.js';
import { DeploymentTable } from './deployments.js';
import { IdempotencyKeyTable } from './idempotency-keys.js';
import { InstanceTable } from './instances.js';
import { JobTable, TimerTable } from './jobs-timers.js';
import { migrate } from './migrations.js';
import { HistoryTable, OutboxTable } from './outbox-history.js';
import { UserTaskTable } from './user-tasks.js';

/** Opens `<dataDir>/pipelane.db`, creating the directory and migrating the file as needed. */
export function openSqliteStore(dataDir: string): SqliteStore {
  const db = openConnection(dataDir);
  try {
    return new SqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

export class SqliteStore implements Store {
  private readonly deployments: DeploymentTable;
  private readonly instances: InstanceTable;
  private readonly history: HistoryTable;
  private readonly outbox: OutboxTable;
  private readonly jobs: JobTable;
  private readonly timers: TimerTable;
  private readonly userTasks: UserTaskTable;
  private readonly idempotencyKeys: IdempotencyKeyTable;
  /** better-sqlite3 nests a call inside another transaction as a savepoint. */
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /** Migrates the connection's file to the current schema (refusing a newer one). */
  constructor(private readonly db: Connection) {
    try {
      migrate(db);
      this.deployments = new DeploymentTable(db);
      this.instances = new InstanceTable(db);
      this.history = new HistoryTable(db);
      this.outbox = new OutboxTable(db);
      this.jobs = new JobTable(db);
      this.timers = new TimerTable(db);
      this.userTasks = new UserTaskTable(db);
      this.idempotencyKeys = new IdempotencyKeyTable(db);
      this.inTransaction = db.transaction((fn: () => unknown) => fn());
    } catch (error) {
      throw storeFailed(`open ${db.name}`, error);
    }
  }

  /**
   * Runs `fn` in one transaction: everything it stores commits together or,
   * when it throws, not at all. Its own errors pass through unchanged. The
   * write lock is taken at the start (BEGIN IMMEDIATE), so what `fn` reads
   * cannot be changed by another process before it writes: a daemon and a
   * client command on the same data directory never lose each other's step.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.inTransaction.immediate(fn) as T;
    } catch (error) {
      // A SqliteError here comes from BEGIN/COMMIT themselves (a deferred
      // foreign key, a full disk at commit): the store's failure, not fn's.
      throw isSqliteError(error) ? storeFailed('commit', error) : error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  putDeployment(deployment: DeploymentRecord): void {
    this.atomically(`putDeployment(${deployment.id})`, () => this.deployments.put(deployment));
  }

  getDeployment(id: string): DeploymentRecord | undefined {
    return this.run(`getDeployment(${id})`, () => this.deployments.get(id));
  }

  listDeployments(options: { activeOnly?: boolean } = {}): DeploymentRecord[] {
    return this.run('listDeployments', () => this.deployments.list(options.activeOnly ?? false));
  }

  activeDeploymentOf(processId: string): DeploymentRecord | undefined {
    return this.run(`activeDeploymentOf(${processId})`, () => this.deployments.activeDeploymentOf(processId));
  }

  setDeploymentActive(id: string, active: boolean): void {
    const found = this.run(`setDeploymentActive(${id})`, () => this.deployments.setDeploymentActive(id, active));
    if (!found) throw new PipelaneError('MODEL_NOT_FOUND', `deployment ${id} is not stored`);
  }

  createInstance(instance: InstanceRecord): void {
    this.atomically(`createInstance(${instance.id})`, () => this.instances.create(instance));
  }

  saveInstanceState(id: string, state: InstanceState, updatedAt: number): void {
    this.atomically(`saveInstanceState(${id})`, () => this.instances.save(id, state, updatedAt));
  }

  getInstance(id: string): InstanceRecord | undefined {
    return this.run(`getInstance(${id})`, () => this.instances.get(id));
  }

  listInstances(filter: InstanceFilter): Page<InstanceRecord> {
    return this.run('listInstances', () => this.instances.list(filter));
  }

  instancesWaitingForMessage(name: string): string[] {
    return this.run(`instancesWaitingForMessage(${name})`, () => this.instances.waitingFor('message', name));
  }

  instancesWaitingForSignal(name: string): string[] {
    return this.run(`instancesWaitingForSignal(${name})`, () => this.instances.waitingFor('signal', name));
  }

  countOpenIncidents(): number {
    return this.run('countOpenIncidents', () => this.instances.countOpenIncidents());
  }

  countInstances(): { processId: string; status: InstanceRecord['status']; count: number }[] {
    return this.run('countInstances', () => this.instances.count());
  }

  appendHistory(entry: HistoryEntry): void {
    this.run(`appendHistory(${entry.instanceId}, ${entry.type})`, () => this.history.append(entry));
  }

  listHistory(instanceId: string): HistoryEntry[] {
    return this.run(`listHistory(${instanceId})`, () => this.history.list(instanceId));
  }

  addCommands(instanceId: string, commands: Command[]): void {
    this.atomically(`addCommands(${instanceId})`, () => this.outbox.add(instanceId, commands));
  }

  pendingCommands(limit?: number): OutboxEntry[] {
    return this.run('pendingCommands', () => this.outbox.list(limit));
  }

  markCommandApplied(id: number): void {
    this.run(`markCommandApplied(${id})`, () => this.outbox.markApplied(id));
  }

  putJob(job: JobRecord): void {
    this.run(`putJob(${job.id})`, () => this.jobs.put(job));
  }

  getJob(id: string): JobRecord | undefined {
    return this.run(`getJob(${id})`, () => this.jobs.get(id));
  }

  listJobs(filter: { instanceId?: string; state?: JobState }): JobRecord[] {
    return this.run('listJobs', () => this.jobs.list(filter));
  }

  putTimer(timer: TimerRecord): void {
    this.run(`putTimer(${timer.id})`, () => this.timers.put(timer));
  }

  getTimer(id: string): TimerRecord | undefined {
    return this.run(`getTimer(${id})`, () => this.timers.get(id));
  }

  deleteTimer(id: string): void {
    this.run(`deleteTimer(${id})`, () => this.timers.delete(id));
  }

  dueTimers(at: number, limit: number): TimerRecord[] {
    return this.run('dueTimers', () => this.timers.dueAt(at, limit));
  }

  nextTimer(): TimerRecord | undefined {
    return this.run('nextTimer', () => this.timers.nextDue());
  }

  countTimers(): number {
    return this.run('countTimers', () => this.timers.size());
  }

  putUserTask(task: UserTaskRecord): void {
    this.run(`putUserTask(${task.id})`, () => this.userTasks.put(task));
  }

  getUserTask(id: string): UserTaskRecord | undefined {
    return this.run(`getUserTask(${id})`, () => this.userTasks.get(id));
  }

  listUserTasks(filter: UserTaskFilter): UserTaskRecord[] {
    return this.run('listUserTasks', () => this.userTasks.list(filter));
  }

  claimOnce(scope: string, key: string, at: number): boolean {
    return this.run(`claimOnce(${scope}, ${key})`, () => this.idempotencyKeys.claim(scope, key, at));
  }

  /** One statement: atomic on its own. */
  private run<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeFailed(operation, error);
    }
  }

  /** Several statements: a transaction of their own, or a savepoint inside the caller's. */
  private atomically<T>(operation: string, fn: () => T): T {
    return this.run(operation, () => this.inTransaction(fn) as T);
  }
}
