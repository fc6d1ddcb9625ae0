import type { DeploymentModel } from '../model/process-model.js';
import { evaluateFeel } from './expression.js';
import type { Subscription } from './state.js';

/**
 * The elements a published message or signal starts a new instance at: start
 * events with that trigger, and receive tasks that instantiate their process.
 */
export function instantiatingElements(
  deployment: DeploymentModel,
  kind: 'message' | 'signal',
  name: string,
): { processId: string; elementId: string }[] {
  const out: { processId: string; elementId: string }[] = [];
  for (const process of Object.values(deployment.processes)) {
    for (const id of process.scopes[process.id]?.startEvents ?? []) {
      const start = process.nodes[id]!;
      const matches = start.eventDefinitions.some((d) =>
        kind === 'message' ? d.kind === 'message' && d.message === name : d.kind === 'signal' && d.signal === name,
      );
      if (matches) out.push({ processId: process.id, elementId: id });
    }
    if (kind !== 'message') continue;
    for (const node of Object.values(process.nodes)) {
      if (node.type === 'receiveTask' && node.instantiate && node.incoming.length === 0 && node.message === name && node.scope === process.id) {
        out.push({ processId: process.id, elementId: node.id });
      }
    }
  }
  return out;
}

/**
 * Whether a waiting subscription takes a message: the same name, and for a
 * subscription opened with a correlation key, a message with that key. A
 * subscription without one (the model asks for none, as Camunda 7 models
 * do) takes the message by its name, whatever key the sender gave.
 */
export function takesMessage(subscription: Subscription, name: string, correlationKey: string | undefined): boolean {
  const t = subscription.trigger;
  return t.type === 'message' && t.name === name && (t.correlationKey === undefined || t.correlationKey === correlationKey);
}

export interface ConditionalStart {
  processId: string;
  elementId: string;
}

export interface ConditionalStartEvaluation {
  /** Start events whose condition holds: start an instance at each, with the variables. */
  satisfied: ConditionalStart[];
  /** Start events whose condition cannot be evaluated against the variables, and why. */
  failed: (ConditionalStart & { condition: string; message: string })[];
}

/**
 * The conditional start events of executable processes (or of the one
 * process named) whose condition holds for the variables given: what
 * Camunda 7's "evaluate conditions" starts. Nothing watches these
 * conditions; the runtime evaluates them when it is asked to.
 */
export function evaluateConditionalStarts(
  deployment: DeploymentModel,
  variables: Record<string, unknown>,
  processId?: string,
): ConditionalStartEvaluation {
  const result: ConditionalStartEvaluation = { satisfied: [], failed: [] };
  for (const process of Object.values(deployment.processes)) {
    if (!process.isExecutable || (processId !== undefined && process.id !== processId)) continue;
    for (const elementId of process.scopes[process.id]?.startEvents ?? []) {
      const conditions = process.nodes[elementId]!.eventDefinitions.flatMap((d) => (d.kind === 'conditional' ? [d.condition] : []));
      let holds = false;
      for (const condition of conditions) {
        const evaluation = evaluateFeel(condition, variables);
        if (!evaluation.ok) result.failed.push({ processId: process.id, elementId, condition, message: evaluation.message });
        else holds ||= evaluation.value === true;
      }
      if (holds) result.satisfied.push({ processId: process.id, elementId });
    }
  }
  return result;
}
