/** Minimal, valid records of each kind the Store holds, built by hand as the plain JSON they are. */
import type { Command } from '../../src/engine/commands.js';
import type { InstanceState, InstanceStatus, Subscription } from '../../src/engine/state.js';
import type { DeploymentModel, FlowNode } from '../../src/model/process-model.js';
import type { Sidecar } from '../../src/model/sidecar.js';
import type { DeploymentRecord, InstanceRecord, JobRecord, UserTaskRecord } from '../../src/ports/store.js';

function node(id: string, type: FlowNode['type'], incoming: string[], outgoing: string[]): FlowNode {
  return {
    id,
    type,
    scope: 'churn',
    incoming,
    outgoing,
    eventDefinitions: [],
    parallelMultiple: false,
    cancelActivity: true,
    isInterrupting: true,
    boundaryEvents: [],
    instantiate: false,
    startQuantity: 1,
    completionQuantity: 1,
    isForCompensation: false,
    triggeredByEvent: false,
    inputs: [],
    outputs: [],
    extensions: {},
  };
}

/** start → train (a python script task) → end, in process `processId`. */
export function model(processId = 'churn'): DeploymentModel {
  return {
    file: `${processId}/${processId}.bpmn`,
    processes: {
      [processId]: {
        id: processId,
        name: 'Churn model',
        isExecutable: true,
        nodes: {
          start: node('start', 'startEvent', [], ['f1']),
          train: { ...node('train', 'scriptTask', ['f1'], ['f2']), script: { format: 'python', resource: 'scripts/train.py' } },
          end: node('end', 'endEvent', ['f2'], []),
        },
        flows: {
          f1: { id: 'f1', source: 'start', target: 'train' },
          f2: { id: 'f2', source: 'train', target: 'end', condition: '=ok = true' },
        },
        scopes: {
          [processId]: { id: processId, children: ['start', 'train', 'end'], startEvents: ['start'], eventSubProcesses: [], dataNames: [] },
        },
      },
    },
    globalTasks: {},
  };
}

export function sidecar(): Sidecar {
  return {
    file: 'churn/churn.yaml',
    runtime: { image: { python: 'python:3.12-slim' }, env: { MODE: 'nightly' } },
    retries: { count: 2 },
    tasks: {},
    schedules: [{ id: 'nightly', cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', variables: { full: true }, overlap: 'skip', catchUp: 'last' }],
    notifications: { onFailure: ['ops'], onSuccess: [] },
  };
}

export function deployment(id: string, options: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id,
    file: 'churn/churn.bpmn',
    hash: `hash-of-${id}`,
    processIds: ['churn'],
    model: model(),
    repoDir: `/data/repos/${id}`,
    deployedAt: 1_000,
    active: true,
    ...options,
  };
}

export function messageSubscription(id: string, name: string, correlationKey?: string): Subscription {
  return {
    id,
    nodeId: `node-${id}`,
    elementId: 'waitForPayment',
    processId: 'churn',
    definition: 0,
    trigger: correlationKey === undefined ? { type: 'message', name } : { type: 'message', name, correlationKey },
  };
}

export function signalSubscription(id: string, name: string): Subscription {
  return { id, nodeId: null, elementId: 'onStop', processId: 'churn', definition: 0, trigger: { type: 'signal', name } };
}

export function timerSubscription(id: string): Subscription {
  return {
    id,
    nodeId: `node-${id}`,
    elementId: 'wait',
    processId: 'churn',
    definition: 0,
    trigger: { type: 'timer', timerId: `timer-${id}`, timer: 'timeDuration', expression: 'PT1H', armedAt: 1_000, dueAt: 3_601_000, fired: 0 },
  };
}

export function state(id: string, options: { status?: InstanceStatus; subscriptions?: Subscription[]; variables?: Record<string, unknown> } = {}): InstanceState {
  return {
    id,
    processId: 'churn',
    status: options.status ?? 'running',
    startedAt: 1_000,
    variables: options.variables ?? { amount: 120, customer: { id: 'c-1', tags: ['a', 'b'] } },
    seq: 3,
    nodes: {
      n1: { id: 'n1', elementId: 'train', processId: 'churn', parent: null, role: 'element', jobId: 'job-1', attempt: 1 },
    },
    subscriptions: Object.fromEntries((options.subscriptions ?? []).map((s) => [s.id, s])),
    compensations: {},
    incidents: {},
  };
}

export function instance(id: string, options: { deploymentId?: string; processId?: string; status?: InstanceStatus; createdAt?: number; subscriptions?: Subscription[] } = {}): InstanceRecord {
  const status = options.status ?? 'running';
  const createdAt = options.createdAt ?? 2_000;
  return {
    id,
    deploymentId: options.deploymentId ?? 'churn.bpmn@1',
    processId: options.processId ?? 'churn',
    status,
    state: { ...state(id, { status, ...(options.subscriptions ? { subscriptions: options.subscriptions } : {}) }), processId: options.processId ?? 'churn' },
    createdAt,
    updatedAt: createdAt,
  };
}

export function runJob(jobId: string): Extract<Command, { type: 'runJob' }> {
  return {
    type: 'runJob',
    jobId,
    attempt: 1,
    elementId: 'train',
    elementType: 'scriptTask',
    processId: 'churn',
    script: { format: 'python', resource: 'scripts/train.py' },
    extensions: { 'camunda:asyncBefore': 'true' },
    variables: { amount: 120 },
  };
}

export function job(id: string, instanceId: string, options: Partial<JobRecord> = {}): JobRecord {
  return { id, instanceId, elementId: 'train', state: 'queued', attempt: 1, ...options };
}

export function userTask(id: string, instanceId: string, options: Partial<UserTaskRecord> = {}): UserTaskRecord {
  return {
    id,
    instanceId,
    processId: 'churn',
    elementId: 'approve',
    state: 'open',
    extensions: { 'camunda:assignee': 'ada', 'camunda:candidateGroups': 'owners' },
    variables: { report: 'eval.html' },
    createdAt: 5_000,
    ...options,
  };
}
