import { toError } from '../errors.js';
import { resolveTaskRuntime, type TaskRuntime } from '../model/task-runtime.js';
import { isRetryableFailure, type JobOutcome, type LogLine } from '../ports/container-runner.js';
import type { JobRecord } from '../ports/store.js';
import { prepareJob, type Prepared } from './job-prepare.js';
import type { JobLogWriter } from './job-logs.js';
import type { Runtime } from './runtime.js';

type RetryPolicy = TaskRuntime['retries'];

/**
 * Runs the jobs the engine asks for: script tasks in containers, up to
 * `concurrency` at once; failures retried as the sidecar says, then handed
 * to the engine (which raises an incident). A BPMN error is never retried.
 */
export class JobExecutor {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, AbortController>();
  /** Outcomes being stored and containers being removed: a caller about to exit waits for them (settled). */
  private readonly settling = new Set<Promise<void>>();
  private readonly outcomes: { work: () => void; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private stopped = false;

  constructor(private readonly runtime: Runtime) {}

  get active(): number {
    return this.running.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  enqueue(jobId: string): void {
    if (this.stopped || this.queue.includes(jobId) || this.running.has(jobId)) return;
    this.queue.push(jobId);
    this.pump();
  }

  cancel(jobId: string): void {
    const index = this.queue.indexOf(jobId);
    if (index >= 0) this.queue.splice(index, 1);
    const controller = this.running.get(jobId);
    if (controller) controller.abort();
    else void this.runtime.options.runner.cancel(jobId).catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /**
   * Jobs that were running when the daemon died are re-attached; queued ones
   * start; containers whose outcome was stored before the crash are released.
   */
  async recover(): Promise<void> {
    const { store, runner } = this.runtime.options;
    for (const job of store.listJobs({ state: 'running' })) {
      const controller = new AbortController();
      this.running.set(job.id, controller);
      const { writer, onLog } = this.logger(job);
      // The job's log file holds every line stored before the crash: re-attach after its last one.
      const reattached = this.lastLogAt(job)
        .then((logsAfter) => runner.reattach(job.id, onLog, { signal: controller.signal, ...(logsAfter ? { logsAfter } : {}) }))
        .catch((err: unknown) => ({ kind: 'failed', reason: 'engine-unreachable', message: toError(err).message }) as JobOutcome)
        .finally(() => writer.close());
      void reattached
        .then(async (outcome) => {
          if (outcome === undefined) {
            // No container: the job never started (or its container vanished). Run it now,
            // unless it was cancelled while we looked.
            this.running.delete(job.id);
            const current = store.getJob(job.id);
            if (current?.state !== 'running') return;
            store.putJob({ ...current, state: 'queued' });
            this.enqueue(job.id);
          } else if (!isCancelled(outcome)) await this.finish(job, outcome, undefined, true);
        })
        .catch((err: unknown) => this.notStored(job, err))
        .finally(() => {
          if (this.running.get(job.id) === controller) this.running.delete(job.id);
          this.pump();
        });
    }
    for (const job of store.listJobs({ state: 'queued' })) {
      if (!store.getTimer(`retry:${job.id}`)) this.enqueue(job.id);
    }
    // Only this store's finished jobs: the engine may hold containers of other data directories too.
    for (const jobId of await runner.containers().catch(() => [])) {
      const job = store.getJob(jobId);
      if (job && (job.state === 'completed' || job.state === 'failed')) void this.release(job);
    }
  }

  private pump(): void {
    const { concurrency } = this.runtime.options;
    while (!this.stopped && this.running.size < concurrency && this.queue.length > 0) {
      const jobId = this.queue.shift()!;
      const controller = new AbortController();
      this.running.set(jobId, controller);
      void this.execute(jobId, controller)
        .catch((err: unknown) => this.notStored(this.runtime.options.store.getJob(jobId), err))
        .finally(() => {
          this.running.delete(jobId);
          this.pump();
        });
    }
  }

  private async execute(jobId: string, controller: AbortController): Promise<void> {
    const { store, runner, logs } = this.runtime.options;
    const job = store.getJob(jobId);
    if (!job || job.state !== 'queued' || !job.command) return;
    const deployment = this.runtime.deploymentOfInstance(job.instanceId);
    if (!deployment) return;
    let prepared: Prepared;
    try {
      prepared = await prepareJob(this.runtime.options, deployment, job, job.command);
    } catch (err) {
      // The workspace or the script could not be read: the job fails (retried as configured), it is not lost.
      prepared = { kind: 'refused', message: `job ${jobId} could not be prepared: ${toError(err).message}` };
    }
    if (prepared.kind === 'passThrough') {
      await this.finish(job, { kind: 'completed', output: {} }, undefined, false);
      return;
    }
    if (prepared.kind === 'refused') {
      await this.finish(job, { kind: 'failed', reason: 'engine-error', message: prepared.message }, undefined, false);
      return;
    }
    // Preparing reads files: the job may have been cancelled meanwhile, and its row says so.
    if (store.getJob(jobId)?.state !== 'queued' || controller.signal.aborted) return;
    const startedAt = this.runtime.now();
    const runningJob: JobRecord = { ...job, state: 'running', startedAt };
    store.putJob(runningJob);
    this.runtime.emit({ kind: 'jobStarted', instanceId: job.instanceId, jobId, elementId: job.elementId, attempt: job.attempt });
    const writer = logs.open(jobId, job.attempt);
    let outcome: JobOutcome;
    try {
      outcome = await runner.run(prepared.job, (line) => {
        writer.append(line);
        this.runtime.emit({ kind: 'log', instanceId: job.instanceId, jobId, elementId: job.elementId, line });
      }, controller.signal);
    } catch (err) {
      outcome = { kind: 'failed', reason: 'engine-error', message: toError(err).message };
    } finally {
      writer.close();
    }
    if (isCancelled(outcome)) return;
    await this.finish(runningJob, outcome, prepared.retries, true);
  }

  /**
   * The store refused a job's outcome (a full disk, an I/O error). Nothing is
   * lost: the job's row is as it was and its container is kept, so the next
   * start collects the outcome again. Until then the daemon says so.
   */
  private notStored(job: JobRecord | undefined, err: unknown): void {
    const message = `the outcome of job ${job?.id ?? '?'} could not be stored (${toError(err).message}); the next start collects it again from its container.`;
    this.runtime.emit({ kind: 'warning', instanceId: job?.instanceId ?? '', message });
  }

  private async lastLogAt(job: JobRecord): Promise<string | undefined> {
    if (job.lastLogAt) return job.lastLogAt;
    const entries = await this.runtime.options.logs.read(job.id);
    return entries.filter((e) => e.stream !== 'system').at(-1)?.at;
  }

  private logger(job: JobRecord): { writer: JobLogWriter; onLog: (line: LogLine) => void } {
    const writer = this.runtime.options.logs.open(job.id, job.attempt);
    const onLog = (line: LogLine) => {
      writer.append(line);
      this.runtime.emit({ kind: 'log', instanceId: job.instanceId, jobId: job.id, elementId: job.elementId, line });
    };
    return { writer, onLog };
  }

  /**
   * Records the outcome: a retry after the backoff, or the event the engine is
   * told. The job's container is released only once the outcome is stored, so
   * a crash in between leaves it to be collected again, never run again.
   * Resolves when the outcome is stored.
   */
  private finish(job: JobRecord, outcome: JobOutcome, retries: RetryPolicy | undefined, hasContainer: boolean): Promise<void> {
    return this.track(this.storeOutcome(job, outcome, retries, hasContainer));
  }

  private async storeOutcome(job: JobRecord, outcome: JobOutcome, retries: RetryPolicy | undefined, hasContainer: boolean): Promise<void> {
    const { store } = this.runtime;
    this.runtime.options.beforeStoringOutcome?.(job);
    const at = this.runtime.now();
    const retryable = outcome.kind === 'failed' && isRetryableFailure(outcome) && !this.stopped;
    const policy = retryable ? (retries ?? this.retryPolicyOf(job)) : undefined;
    const willRetry = policy !== undefined && job.attempt <= policy.count;
    this.runtime.emit({ kind: 'jobFinished', instanceId: job.instanceId, jobId: job.id, elementId: job.elementId, attempt: job.attempt, outcome, durationMs: at - (job.startedAt ?? at), willRetry });
    if (policy && willRetry) {
      // The next attempt runs under the same job id, so in a container of the same name: free it first.
      // Should that fail (the engine is away), the next attempt's run() removes the earlier attempt's
      // container itself; should the daemon die before the commit below, recovery runs this attempt again.
      if (hasContainer) await this.release(job);
      const delay = Math.min(policy.backoff.maxMs, policy.backoff.initialMs * policy.backoff.factor ** (job.attempt - 1));
      store.transaction(() => {
        store.putJob({ ...job, state: 'queued', attempt: job.attempt + 1, endedAt: at, message: describe(outcome) });
        store.putTimer({ id: `retry:${job.id}`, instanceId: job.instanceId, dueAt: at + delay, elementId: job.elementId });
      });
      this.runtime.timers.refresh();
      this.runtime.emit({ kind: 'jobOutcomeStored', instanceId: job.instanceId, jobId: job.id });
      return;
    }
    const state = outcome.kind === 'completed' ? 'completed' : 'failed';
    const record = () => store.putJob({ ...job, state, endedAt: at, message: describe(outcome) });
    const event =
      outcome.kind === 'completed'
        ? { type: 'jobCompleted' as const, at, jobId: job.id, variables: outcome.output }
        : outcome.kind === 'bpmnError'
          ? { type: 'jobFailed' as const, at, jobId: job.id, message: outcome.message, errorCode: outcome.code }
          : { type: 'jobFailed' as const, at, jobId: job.id, message: describe(outcome) };
    await this.commitSoon(() => {
      if (!this.runtime.send(job.instanceId, event, 'system', record)) store.transaction(record);
    });
    this.runtime.emit({ kind: 'jobOutcomeStored', instanceId: job.instanceId, jobId: job.id });
    if (hasContainer) void this.release(job);
  }

  /** Removes a container whose outcome is stored; one that cannot be removed now is removed by the next recovery. */
  private release(job: JobRecord): Promise<void> {
    return this.track(
      this.runtime.options.runner.release(job.id).catch((err: unknown) => {
        const message = `job ${job.id}: its finished container was not removed (the next start removes it): ${toError(err).message}`;
        this.runtime.emit({ kind: 'warning', instanceId: job.instanceId, message });
      }),
    );
  }

  private track(work: Promise<void>): Promise<void> {
    const tracked = work.finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
    return tracked;
  }

  /** Resolves once the outcomes that arrived are stored and their containers removed. */
  async settled(): Promise<void> {
    while (this.settling.size > 0) await Promise.allSettled(this.settling);
  }

  /**
   * Group commit: the outcomes that arrive in the same turn of the event loop
   * are committed in one transaction (each step still its own savepoint), so
   * many parallel jobs cost one commit instead of one each. Should the batch
   * fail, each outcome is committed on its own. Resolves once the work is
   * committed.
   */
  private commitSoon(work: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outcomes.push({ work, resolve, reject });
      if (this.outcomes.length > 1) return;
      setImmediate(() => {
        const batch = this.outcomes.splice(0);
        try {
          this.runtime.batch(() => batch.forEach((o) => o.work()));
          batch.forEach((o) => o.resolve());
        } catch {
          for (const o of batch) {
            try {
              o.work();
              o.resolve();
            } catch (err) {
              o.reject(err);
            }
          }
        }
      });
    });
  }

  private retryPolicyOf(job: JobRecord): RetryPolicy {
    const sidecar = this.runtime.deploymentOfInstance(job.instanceId)?.sidecar;
    return resolveTaskRuntime(sidecar, job.elementId, 'bash').retries;
  }
}

function isCancelled(outcome: JobOutcome): boolean {
  return outcome.kind === 'failed' && outcome.reason === 'cancelled';
}

/** An outcome in a few words, for the job record and the incident. */
export function describe(outcome: JobOutcome): string {
  switch (outcome.kind) {
    case 'completed':
      return 'completed';
    case 'bpmnError':
      return `BPMN error ${outcome.code}: ${outcome.message}`;
    case 'failed': {
      const tail = outcome.stderrTail?.length ? `\n${outcome.stderrTail.join('\n')}` : '';
      return `${outcome.message}${tail}`;
    }
  }
}
