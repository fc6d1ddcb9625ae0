import { evaluateConditionalStarts, instantiatingElements, takesMessage, type ConditionalStartEvaluation, type InstanceState, type Subscription } from '../engine/index.js';
import type { Command } from '../engine/commands.js';
import type { OutboxEntry } from '../ports/store.js';
import type { Runtime } from './runtime.js';

type Publish = Extract<Command, { type: 'publish' }>;

/**
 * Delivers a published message or signal. A message goes to one running
 * instance that waits for it, else starts an instance of an active process
 * that starts with it; a signal goes to every instance that waits for it and
 * starts every process that starts with it. The outbox entry is marked
 * applied in the transaction of the delivery, so a crash delivers it again
 * rather than never; a publish that reaches nobody is simply applied.
 */
export function route(runtime: Runtime, entry: OutboxEntry, command: Publish, done: () => void): void {
  const { store } = runtime;
  const at = runtime.now();
  const variables = command.variables;
  if (command.kind === 'message') {
    const message = { name: command.name, variables, ...(command.correlationKey ? { correlationKey: command.correlationKey } : {}) };
    const delivered = correlateMessage(runtime, message, `instance:${entry.instanceId}`, { exclude: entry.instanceId, alsoInTransaction: done });
    if (!delivered) store.transaction(done);
    return;
  }
  let marked = false;
  const markOnce = () => {
    if (!marked) done();
    marked = true;
  };
  for (const target of store.instancesWaitingForSignal(command.name)) {
    if (target !== entry.instanceId) runtime.send(target, { type: 'signal', at, name: command.name, variables }, `instance:${entry.instanceId}`, markOnce);
  }
  for (const start of startsFor(runtime, 'signal', command.name)) {
    runtime.start({ processId: start.processId, startEventId: start.elementId, variables, actor: `instance:${entry.instanceId}` }, markOnce);
  }
  if (!marked) store.transaction(done);
}

export interface Message {
  name: string;
  correlationKey?: string;
  variables: Record<string, unknown>;
}

export type Correlation = { kind: 'delivered' | 'started'; instanceId: string };

/**
 * Delivers a message to one running instance that waits for it (a
 * subscription of that name, and of that correlation key when it was opened
 * with one), else starts an instance of an active process that starts
 * with it. Returns undefined when nothing took it; then `alsoInTransaction`
 * has not run. Used by the outbox (messages the models publish) and by the
 * REST API (messages from outside).
 */
export function correlateMessage(
  runtime: Runtime,
  message: Message,
  actor: string,
  options: { exclude?: string; alsoInTransaction?: () => void } = {},
): Correlation | undefined {
  const { store } = runtime;
  for (const target of store.instancesWaitingForMessage(message.name)) {
    if (target === options.exclude) continue;
    const subscription = waitingSubscription(store.getInstance(target)?.state, message);
    if (!subscription) continue;
    const event = {
      type: 'messageReceived' as const, at: runtime.now(), name: message.name, subscriptionId: subscription.id, variables: message.variables,
      ...(message.correlationKey !== undefined ? { correlationKey: message.correlationKey } : {}),
    };
    if (runtime.send(target, event, actor, options.alsoInTransaction)) return { kind: 'delivered', instanceId: target };
  }
  const start = startsFor(runtime, 'message', message.name)[0];
  if (!start) return undefined;
  const instanceId = runtime.start({ processId: start.processId, startEventId: start.elementId, variables: message.variables, actor }, options.alsoInTransaction);
  return { kind: 'started', instanceId };
}

/** The subscription the engine would trigger for the message (its own rule, takesMessage). */
function waitingSubscription(state: InstanceState | undefined, message: Message): Subscription | undefined {
  if (!state || state.status !== 'running') return undefined;
  return Object.values(state.subscriptions).find((s) => takesMessage(s, message.name, message.correlationKey));
}

export interface ConditionsOutcome {
  started: { processId: string; elementId: string; instanceId: string }[];
  failed: ConditionalStartEvaluation['failed'];
}

/**
 * Camunda 7's "evaluate conditions": starts an instance, with the variables,
 * at every conditional start event of an active process (or of `processId`)
 * whose condition the variables satisfy. A condition that cannot be
 * evaluated is reported, not started on.
 */
export function evaluateConditions(runtime: Runtime, variables: Record<string, unknown>, actor: string, processId?: string): ConditionsOutcome {
  const outcome: ConditionsOutcome = { started: [], failed: [] };
  for (const deployment of runtime.store.listDeployments({ activeOnly: true })) {
    const evaluation = evaluateConditionalStarts(deployment.model, variables, processId);
    outcome.failed.push(...evaluation.failed);
    for (const start of evaluation.satisfied) {
      // A process whose newer version lives in another deployment starts there, not here.
      if (runtime.store.activeDeploymentOf(start.processId)?.id !== deployment.id) continue;
      const instanceId = runtime.start({ processId: start.processId, deploymentId: deployment.id, startEventId: start.elementId, variables, actor });
      outcome.started.push({ ...start, instanceId });
    }
  }
  return outcome;
}

function startsFor(runtime: Runtime, kind: 'message' | 'signal', name: string): { processId: string; elementId: string }[] {
  return runtime.store
    .listDeployments({ activeOnly: true })
    .flatMap((d) => instantiatingElements(d.model, kind, name).filter((s) => runtime.store.activeDeploymentOf(s.processId)?.id === d.id));
}
