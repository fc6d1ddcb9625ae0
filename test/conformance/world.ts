import { instantiatingElements, startInstance, step, type Command, type EngineEvent, type InstanceState, type RunJob, type StepResult } from '../../src/engine/index.js';
import type { DeploymentModel } from '../../src/model/process-model.js';

/** What the betsy harness records while a case runs. */
export interface Observations {
  trace: string[];
  marker: boolean;
  dataCorrect: boolean;
  intervals: Record<string, [number, number]>;
  runtimeErrors: string[];
}

interface Scheduled {
  at: number;
  seq: number;
  instanceId: string;
  event: EngineEvent;
}

const LONG_TASK_MS = 10_000;

/**
 * All instances of one deployment in virtual time: commands are answered the
 * way the betsy harness gives meaning to the script tokens, messages and
 * signals travel between instances, and timers fire when their time comes.
 */
export class World {
  readonly instances = new Map<string, InstanceState>();
  readonly observed: Observations = { trace: [], marker: false, dataCorrect: false, intervals: {}, runtimeErrors: [] };
  private now = 0;
  private seq = 0;
  private queue: Scheduled[] = [];
  private timers = new Map<string, Scheduled>();

  constructor(private readonly deployment: DeploymentModel) {}

  start(processId: string, variables: Record<string, unknown>, startEventId?: string): string {
    const instanceId = `i${this.instances.size + 1}`;
    const result = startInstance(this.deployment, {
      instanceId,
      processId,
      variables,
      at: this.now,
      ...(startEventId ? { startEventId } : {}),
    });
    this.apply(instanceId, result);
    return instanceId;
  }

  /** Runs until nothing is due before `until` (virtual ms). */
  runUntil(until: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > until) return;
      this.queue.shift();
      if (next.event.type === 'timerDue') this.timers.delete(next.event.timerId);
      this.now = Math.max(this.now, next.at);
      const state = this.instances.get(next.instanceId);
      if (!state || state.status !== 'running') continue;
      this.apply(next.instanceId, step(this.deployment, state, { ...next.event, at: this.now } as EngineEvent));
    }
    this.observed.runtimeErrors.push('the run did not settle after 100,000 events');
  }

  private schedule(at: number, instanceId: string, event: EngineEvent): Scheduled {
    const item = { at, seq: this.seq++, instanceId, event };
    this.queue.push(item);
    return item;
  }

  /** Commands apply after the step, as the runtime applies them: a job cancelled in the same step never runs. */
  private apply(instanceId: string, result: StepResult): void {
    this.instances.set(instanceId, result.state);
    const cancelled = new Set(result.commands.flatMap((c) => (c.type === 'cancelJob' ? [c.jobId] : [])));
    for (const command of result.commands) {
      if (command.type === 'runJob' && cancelled.has(command.jobId)) continue;
      this.handle(instanceId, command);
    }
  }

  private handle(instanceId: string, command: Command): void {
    switch (command.type) {
      case 'runJob':
        this.runJob(instanceId, command);
        return;
      case 'openUserTask':
        this.schedule(this.now, instanceId, { type: 'taskCompleted', at: this.now, taskId: command.taskId });
        return;
      case 'setTimer':
        this.timers.set(command.timerId, this.schedule(command.dueAt, instanceId, { type: 'timerDue', at: command.dueAt, timerId: command.timerId }));
        return;
      case 'cancelTimer': {
        const item = this.timers.get(command.timerId);
        if (item) this.queue = this.queue.filter((q) => q !== item);
        this.timers.delete(command.timerId);
        return;
      }
      case 'cancelJob':
        this.queue = this.queue.filter((q) => !(q.event.type === 'jobCompleted' && q.event.jobId === command.jobId));
        return;
      case 'publish':
        this.publish(instanceId, command);
        return;
      case 'incident':
        this.observed.runtimeErrors.push(`${command.elementId}: ${command.message}`);
        return;
      default:
        return;
    }
  }

  private publish(from: string, command: Extract<Command, { type: 'publish' }>): void {
    if (command.kind === 'message') {
      for (const [id, state] of this.instances) {
        if (id === from || state.status !== 'running') continue;
        const sub = Object.values(state.subscriptions).find((s) => s.trigger.type === 'message' && s.trigger.name === command.name);
        if (sub) {
          this.schedule(this.now, id, { type: 'messageReceived', at: this.now, name: command.name, subscriptionId: sub.id, variables: {} });
          return;
        }
      }
      const target = instantiatingElements(this.deployment, 'message', command.name)[0];
      if (target) this.start(target.processId, {}, target.elementId);
      return;
    }
    for (const [id, state] of this.instances) {
      if (id === from || state.status !== 'running') continue;
      if (Object.values(state.subscriptions).some((s) => s.trigger.type === 'signal' && s.trigger.name === command.name)) {
        this.schedule(this.now, id, { type: 'signal', at: this.now, name: command.name });
      }
    }
    for (const target of instantiatingElements(this.deployment, 'signal', command.name)) this.start(target.processId, {}, target.elementId);
  }

  /** The script body is one token; the harness gives it its meaning. */
  private runJob(instanceId: string, job: RunJob): void {
    const token = (job.script?.body ?? '').trim();
    const done = (variables: Record<string, unknown> = {}, after = 0) =>
      this.schedule(this.now + after, instanceId, { type: 'jobCompleted', at: this.now + after, jobId: job.jobId, variables });
    const integer = Number(job.variables['integerVariable'] ?? 0);
    switch (token) {
      case 'CREATE_LOG_FILE':
      case '':
        done();
        return;
      case 'CREATE_MARKER_FILE':
        this.observed.marker = true;
        done();
        return;
      case 'SET_STRING_DATA':
        done({ data: 'String' });
        return;
      case 'LOG_DATA':
        if (job.variables['data'] === 'String') this.observed.dataCorrect = true;
        done();
        return;
      case 'INCREMENT_INTEGER_VARIABLE':
        done({ integerVariable: integer + 1 });
        return;
      case 'INCREMENT_INTEGER_VARIABLE_AND_LOG':
        this.observed.trace.push('INCREMENT_correct');
        done({ integerVariable: integer + 1 });
        return;
      case 'THROW_ERROR':
        this.schedule(this.now, instanceId, { type: 'jobFailed', at: this.now, jobId: job.jobId, message: 'THROW_ERROR', errorCode: 'ERR_CODE' });
        return;
      case 'WAIT_TEN_SECONDS':
        done({}, LONG_TASK_MS);
        return;
      case 'CREATE_TIMESTAMP_LOG_1':
      case 'CREATE_TIMESTAMP_LOG_2':
        this.observed.intervals[token] = [this.now, this.now + LONG_TASK_MS];
        done({}, LONG_TASK_MS);
        return;
      default:
        this.observed.trace.push(token);
        done();
    }
  }
}
