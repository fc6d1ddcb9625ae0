import { PipelaneError } from '../errors.js';
import type { DeploymentModel, FlowNode, ProcessDefinition } from '../model/process-model.js';
import { completeActivity, implicitStarts, startScope } from './activities.js';
import type { Command } from './commands.js';
import { createContext, createNode, type StepContext } from './context.js';
import { takesMessage } from './correlate.js';
import type { EngineEvent, StartOptions } from './events.js';
import { drain, enqueue } from './flow.js';
import { raiseIncident } from './incidents.js';
import { completeInstance } from './instance.js';
import { retry } from './retry.js';
import type { InstanceState } from './state.js';
import { subscribeEventSubProcesses } from './subscriptions.js';
import { throwError } from './throw.js';
import { triggerSubscription } from './triggers.js';
import { setVariables } from './variables.js';

export interface StepResult {
  state: InstanceState;
  commands: Command[];
}

/** Starts an instance of a process: at the start event given, or at its none start event(s). */
export function startInstance(deployment: DeploymentModel, options: StartOptions): StepResult {
  const process = deployment.processes[options.processId];
  if (!process) {
    throw new PipelaneError('PROCESS_NOT_FOUND', `${deployment.file} has no process "${options.processId}"; it has ${Object.keys(deployment.processes).join(', ') || 'none'}.`);
  }
  const root = process.scopes[process.id]!;
  const state: InstanceState = {
    id: options.instanceId,
    processId: process.id,
    status: 'running',
    startedAt: options.at,
    variables: { ...Object.fromEntries(root.dataNames.map((n) => [n, null])), ...(options.variables ?? {}) },
    seq: 0,
    nodes: {},
    subscriptions: {},
    compensations: {},
    incidents: {},
  };
  const ctx = createContext(deployment, state, options.at);
  const start = options.startEventId ? process.nodes[options.startEventId] : undefined;
  if (options.startEventId && !start) {
    throw new PipelaneError('BAD_REQUEST', `process "${process.id}" has no element "${options.startEventId}" to start at.`, { elementId: options.startEventId });
  }
  if (!start) {
    assertStartable(deployment, process);
    startScope(ctx, null);
  } else {
    subscribeEventSubProcesses(ctx, null, process.id, process.id);
    if (start.type === 'receiveTask') completeActivity(ctx, createNode(ctx, { processId: process.id, elementId: start.id, parent: null }));
    else enqueue(ctx, { processId: process.id, elementId: start.id, parent: null });
  }
  drain(ctx);
  return { state: ctx.state, commands: compact(ctx.commands) };
}

/**
 * Without a start event named, an instance starts at the process's none
 * start events, or, when it has no start event at all, at every element no
 * flow leads to. A process that starts only by a trigger cannot start so.
 */
function assertStartable(deployment: DeploymentModel, process: ProcessDefinition): void {
  const root = process.scopes[process.id]!;
  const starts = root.startEvents.map((id) => process.nodes[id]!);
  if (starts.some((s) => s.eventDefinitions.length === 0)) return;
  if (starts.length === 0 && implicitStarts(process.nodes, root.children).length > 0) return;
  const reason = starts.length === 0
    ? 'it has no start event and no element to begin with'
    : `it starts only by ${starts.map(describeStart).join(', ')}, each starting an instance when it occurs; to start one on request, add a none start event`;
  throw new PipelaneError('BAD_REQUEST', `process "${process.id}" of ${deployment.file} has no none start event to start an instance at: ${reason}.`);
}

function describeStart(start: FlowNode): string {
  const what = start.eventDefinitions.map((d) => {
    switch (d.kind) {
      case 'message': return `message "${d.message}"`;
      case 'signal': return `signal "${d.signal}"`;
      case 'timer': return `timer ${d.expression}`;
      case 'conditional': return `condition ${d.condition}`;
      default: return d.kind;
    }
  });
  return `start event "${start.id}" (${what.join(' or ')})`;
}

/** The engine: one event in, the new state and the commands it implies out. Pure. */
export function step(deployment: DeploymentModel, previous: InstanceState, event: EngineEvent): StepResult {
  // The state is plain JSON by contract; a JSON round trip copies it faster than structuredClone.
  const ctx = createContext(deployment, JSON.parse(JSON.stringify(previous)) as InstanceState, event.at);
  if (ctx.state.status === 'running') {
    apply(ctx, event);
    drain(ctx);
  }
  return { state: ctx.state, commands: compact(ctx.commands) };
}

/**
 * A job, timer or user task that one step both opened and withdrew never
 * reaches the runtime: neither command is emitted.
 */
function compact(commands: Command[]): Command[] {
  const opened = new Set<string>();
  for (const c of commands) {
    if (c.type === 'runJob') opened.add(`job:${c.jobId}`);
    if (c.type === 'setTimer') opened.add(`timer:${c.timerId}`);
    if (c.type === 'openUserTask') opened.add(`task:${c.taskId}`);
  }
  const withdrawn = new Set<string>();
  for (const c of commands) {
    const key = c.type === 'cancelJob' ? `job:${c.jobId}` : c.type === 'cancelTimer' ? `timer:${c.timerId}` : c.type === 'closeUserTask' ? `task:${c.taskId}` : undefined;
    if (key && opened.has(key)) withdrawn.add(key);
  }
  if (withdrawn.size === 0) return commands;
  return commands.filter((c) => {
    const key = c.type === 'runJob' || c.type === 'cancelJob' ? `job:${c.jobId}`
      : c.type === 'setTimer' || c.type === 'cancelTimer' ? `timer:${c.timerId}`
      : c.type === 'openUserTask' || c.type === 'closeUserTask' ? `task:${c.taskId}` : undefined;
    return key === undefined || !withdrawn.has(key);
  });
}

function apply(ctx: StepContext, event: EngineEvent): void {
  const nodes = Object.values(ctx.state.nodes);
  const subs = Object.values(ctx.state.subscriptions);
  switch (event.type) {
    case 'jobCompleted': {
      const node = nodes.find((n) => n.jobId === event.jobId && !n.incident);
      if (!node) return;
      delete node.jobId;
      completeActivity(ctx, node, event.variables);
      return;
    }
    case 'jobFailed': {
      const node = nodes.find((n) => n.jobId === event.jobId && !n.incident);
      if (!node) return;
      if (event.errorCode !== undefined) {
        delete node.jobId;
        throwError(ctx, node, event.errorCode, event.message);
      } else raiseIncident(ctx, node, event.message, 'job');
      return;
    }
    case 'timerDue': {
      const sub = subs.find((s) => s.trigger.type === 'timer' && s.trigger.timerId === event.timerId);
      if (sub) triggerSubscription(ctx, sub, undefined);
      return;
    }
    case 'messageReceived': {
      const sub = event.subscriptionId !== undefined
        ? ctx.state.subscriptions[event.subscriptionId]
        : subs.find((s) => takesMessage(s, event.name, event.correlationKey));
      if (sub && takesMessage(sub, event.name, event.correlationKey)) triggerSubscription(ctx, sub, event.variables);
      return;
    }
    case 'signal':
      for (const sub of subs) {
        if (sub.trigger.type === 'signal' && sub.trigger.name === event.name && ctx.state.subscriptions[sub.id]) triggerSubscription(ctx, sub, event.variables);
      }
      return;
    case 'taskCompleted': {
      const node = nodes.find((n) => n.taskId === event.taskId);
      if (!node) throw new PipelaneError('TASK_NOT_FOUND', `instance ${ctx.state.id} has no open task ${event.taskId}.`);
      delete node.taskId;
      completeActivity(ctx, node, event.variables);
      return;
    }
    case 'taskFailed': {
      const node = nodes.find((n) => n.taskId === event.taskId && !n.incident);
      if (!node) return;
      ctx.commands.push({ type: 'closeUserTask', taskId: event.taskId });
      delete node.taskId;
      raiseIncident(ctx, node, event.message, 'element');
      return;
    }
    case 'setVariables':
      setVariables(ctx, null, event.variables);
      return;
    case 'retry':
      retry(ctx, event.incidentId);
      return;
    case 'cancel':
      completeInstance(ctx, 'cancelled', event.reason ? { message: event.reason } : undefined);
      return;
  }
}
