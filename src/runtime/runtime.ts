import { randomUUID } from 'node:crypto';
import { startInstance, type Command, type EngineEvent } from '../engine/index.js';
import { PipelaneError, toError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRunner } from '../ports/container-runner.js';
import type { DeploymentRecord, InstanceRecord, JobRecord, OutboxEntry, Store } from '../ports/store.js';
import type { ActivityListener, RuntimeActivity } from './activity.js';
import { commitStep } from './commit.js';
import { JobExecutor } from './jobs.js';
import type { JobLogStore } from './job-logs.js';
import { route } from './router.js';
import { TimerWheel } from './timer-wheel.js';

export interface RuntimeOptions {
  store: Store;
  runner: ContainerRunner;
  clock: Clock;
  logs: JobLogStore;
  /** Where each instance's /workspace directory is made. */
  workspacesDir: string;
  /** Jobs that run at once. */
  concurrency: number;
  /** The daemon's environment: secrets named by a sidecar are read from it. */
  secrets: Readonly<Record<string, string | undefined>>;
  onActivity?: ActivityListener;
  /** Test hook: called before each outbox entry is applied (the crash tests kill the process here). */
  beforeApply?: (entry: OutboxEntry) => void;
  /** Test hook: called when a job's outcome arrives, before it is stored. */
  beforeStoringOutcome?: (job: JobRecord) => void;
}

export interface StartRequest {
  processId: string;
  variables?: Record<string, unknown>;
  actor: string;
  /** A specific version; default: the active deployment of the process. */
  deploymentId?: string;
  startEventId?: string;
}

/**
 * Turns the pure engine into a service: each event is one engine step whose
 * new state, commands (the outbox) and history commit in one transaction;
 * the commands are applied after the commit, each in a transaction that
 * marks it applied, so a crash at any point is recovered by re-applying the
 * outbox. Every step runs synchronously, so steps never interleave.
 */
export class Runtime {
  readonly jobs: JobExecutor;
  readonly timers: TimerWheel;
  private applying = false;
  private readonly deployments = new Map<string, DeploymentRecord>();
  /** Running instances and the deployment each is pinned to. */
  private readonly pinned = new Map<string, string>();
  private applyAgain = false;
  private listeners: ActivityListener[] = [];
  private closed = false;

  constructor(readonly options: RuntimeOptions) {
    if (options.onActivity) this.listeners.push(options.onActivity);
    this.jobs = new JobExecutor(this);
    this.timers = new TimerWheel(
      options.store,
      options.clock,
      (timer) => this.timerDue(timer.id, timer.instanceId, timer.elementId),
      (timer, error) => this.emit({ kind: 'warning', instanceId: timer.instanceId, message: `timer ${timer.id} could not fire (${toError(error).message}); it is tried again in a few seconds.` }),
    );
  }

  get store(): Store {
    return this.options.store;
  }

  get stopped(): boolean {
    return this.closed;
  }

  onActivity(listener: ActivityListener): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  emit(activity: RuntimeActivity): void {
    for (const listener of this.listeners) listener(activity);
  }

  /** Starts an instance and commits its first step; returns its id. */
  start(request: StartRequest, alsoInTransaction?: (instanceId: string) => void): string {
    const deployment = request.deploymentId
      ? this.store.getDeployment(request.deploymentId)
      : this.store.activeDeploymentOf(request.processId);
    if (!deployment) throw new PipelaneError('PROCESS_NOT_FOUND', `no deployed model has a process "${request.processId}".`);
    const id = randomUUID();
    const at = this.options.clock.now();
    const result = startInstance(deployment.model, {
      instanceId: id,
      processId: request.processId,
      variables: request.variables ?? {},
      at,
      ...(request.startEventId ? { startEventId: request.startEventId } : {}),
    });
    this.store.transaction(() => {
      const record: InstanceRecord = { id, deploymentId: deployment.id, processId: request.processId, status: result.state.status, state: result.state, createdAt: at, updatedAt: at };
      this.store.createInstance(record);
      this.store.appendHistory({ instanceId: id, at, type: 'start', actor: request.actor, data: { processId: request.processId, deploymentId: deployment.id, variables: request.variables ?? {} } });
      this.store.addCommands(id, result.commands);
      alsoInTransaction?.(id);
    });
    this.pinned.set(id, deployment.id);
    this.emit({ kind: 'instanceStarted', instanceId: id, processId: request.processId, deploymentId: deployment.id });
    this.applyOutbox();
    return id;
  }

  /**
   * Feeds one event to an instance. Returns false when the instance is not
   * running any more (the event is dropped, and `alsoInTransaction` not run).
   */
  send(instanceId: string, event: EngineEvent, actor: string, alsoInTransaction?: () => void): boolean {
    const sent = commitStep(this.store, instanceId, event, actor, alsoInTransaction, (id) => this.deployment(id));
    if (sent) this.applyOutbox();
    return sent;
  }

  /** The deployment a running instance is pinned to, without reading its state; undefined once it ended. */
  deploymentOfInstance(instanceId: string): DeploymentRecord | undefined {
    let deploymentId = this.pinned.get(instanceId);
    if (deploymentId === undefined) {
      const instance = this.store.getInstance(instanceId);
      if (!instance || instance.status !== 'running') return undefined;
      deploymentId = instance.deploymentId;
      this.pinned.set(instanceId, deploymentId);
    }
    return this.deployment(deploymentId);
  }

  deploymentOf(instance: InstanceRecord): DeploymentRecord {
    const deployment = this.deployment(instance.deploymentId);
    if (!deployment) throw new PipelaneError('INTERNAL', `instance ${instance.id} refers to deployment ${instance.deploymentId}, which is gone.`);
    return deployment;
  }

  /**
   * A deployment's content never changes under its id, and every step needs
   * its model: kept once read. (Its `active` flag may change; the runtime
   * never reads it from here.)
   */
  private deployment(id: string): DeploymentRecord | undefined {
    let deployment = this.deployments.get(id);
    if (!deployment) {
      deployment = this.store.getDeployment(id);
      if (deployment) this.deployments.set(id, deployment);
    }
    return deployment;
  }

  now(): number {
    return this.options.clock.now();
  }

  /**
   * Runs several steps (`send`s) in one transaction, then — after that
   * commit, as always — applies their commands in one outbox pass: a group
   * commit for outcomes that arrive together.
   */
  batch(work: () => void): void {
    const outer = this.applying;
    this.applying = true;
    try {
      this.store.transaction(work);
    } finally {
      this.applying = outer;
    }
    if (!outer) this.applyOutbox();
  }

  /**
   * Applies every pending command of the outbox, in order, each pass in one
   * transaction (a command's own transaction is a savepoint in it): one
   * commit per pass instead of one per command. What a command starts outside
   * the store (a container, a timer callback) begins after the commit.
   * Re-entrant calls just ask for another pass.
   */
  applyOutbox(): void {
    if (this.applying) {
      this.applyAgain = true;
      return;
    }
    this.applying = true;
    try {
      do {
        this.applyAgain = false;
        this.store.transaction(() => {
          for (const entry of this.store.pendingCommands(1000)) this.apply(entry);
        });
      } while (this.applyAgain);
    } finally {
      this.applying = false;
    }
  }

  private apply(entry: OutboxEntry): void {
    this.options.beforeApply?.(entry);
    const { store } = this;
    const command: Command = entry.command;
    const done = () => store.markCommandApplied(entry.id);
    const at = this.now();
    switch (command.type) {
      case 'runJob':
        store.transaction(() => {
          const existing = store.getJob(command.jobId);
          if (!existing || existing.state === 'failed' || existing.state === 'completed') {
            store.putJob({ id: command.jobId, instanceId: entry.instanceId, elementId: command.elementId, state: 'queued', attempt: Math.max(command.attempt, (existing?.attempt ?? 0) + (existing ? 1 : 0)), command });
          }
          done();
        });
        this.jobs.enqueue(command.jobId);
        return;
      case 'cancelJob':
        store.transaction(() => {
          const job = store.getJob(command.jobId);
          if (job && (job.state === 'queued' || job.state === 'running')) store.putJob({ ...job, state: 'cancelled', endedAt: at });
          done();
        });
        this.jobs.cancel(command.jobId);
        return;
      case 'setTimer':
        store.transaction(() => {
          store.putTimer({ id: command.timerId, instanceId: entry.instanceId, dueAt: command.dueAt, elementId: command.elementId });
          done();
        });
        this.timers.refresh();
        return;
      case 'cancelTimer':
        store.transaction(() => {
          store.deleteTimer(command.timerId);
          done();
        });
        return;
      case 'openUserTask': {
        const instance = store.getInstance(entry.instanceId);
        store.transaction(() => {
          store.putUserTask({
            id: command.taskId, instanceId: entry.instanceId, processId: instance?.processId ?? command.processId, elementId: command.elementId,
            ...(command.name ? { name: command.name } : {}), state: 'open', extensions: command.extensions, variables: command.variables, createdAt: at,
          });
          done();
        });
        this.emit({ kind: 'userTaskOpened', instanceId: entry.instanceId, taskId: command.taskId, elementId: command.elementId, ...(command.name ? { name: command.name } : {}) });
        return;
      }
      case 'closeUserTask': {
        const closed = store.transaction(() => {
          const task = store.getUserTask(command.taskId);
          if (task?.state === 'open') store.putUserTask({ ...task, state: 'cancelled', completedAt: at });
          done();
          return task?.state === 'open' ? task : undefined;
        });
        if (closed) this.emit({ kind: 'userTaskClosed', instanceId: entry.instanceId, taskId: closed.id, elementId: closed.elementId });
        return;
      }
      case 'publish':
        route(this, entry, command, done);
        return;
      case 'incident':
        store.transaction(() => {
          store.appendHistory({ instanceId: entry.instanceId, at, type: 'incident', actor: 'system', data: { incidentId: command.incidentId, elementId: command.elementId, message: command.message } });
          done();
        });
        this.emit({ kind: 'incident', instanceId: entry.instanceId, incidentId: command.incidentId, elementId: command.elementId, message: command.message });
        return;
      case 'complete':
        store.transaction(done);
        this.pinned.delete(entry.instanceId);
        this.emit({ kind: 'instanceEnded', instanceId: entry.instanceId, status: command.status, ...(command.error ? { error: command.error } : {}) });
        return;
    }
  }

  private timerDue(timerId: string, instanceId: string, elementId: string): void {
    if (timerId.startsWith('retry:')) {
      this.store.deleteTimer(timerId);
      this.jobs.enqueue(timerId.slice('retry:'.length));
      return;
    }
    const sent = this.send(instanceId, { type: 'timerDue', at: this.now(), timerId }, 'timer', () => this.store.deleteTimer(timerId));
    if (!sent) this.store.deleteTimer(timerId);
    else this.emit({ kind: 'timerFired', instanceId, timerId, elementId });
  }

  /**
   * After a crash or a restart: apply what the outbox still holds, re-attach
   * to jobs whose containers may still run, start jobs that never started,
   * and fire timers that fell due meanwhile (each once).
   */
  async recover(): Promise<void> {
    this.applyOutbox();
    await this.jobs.recover();
    this.timers.refresh();
  }

  /** Takes no new work; running containers are left alone and re-attached on the next start. */
  stop(): void {
    this.closed = true;
    this.timers.stop();
    this.jobs.stop();
  }
}
