import type { FlowNode } from '../model/process-model.js';
import { createNode, elementOf, processOf, scopeOfNode, type StepContext } from './context.js';
import { cancelChildren, enqueue } from './flow.js';
import type { NodeInstance } from './state.js';
import { removeSubscription, subscribeEventSubProcesses } from './subscriptions.js';

/**
 * An event sub-process's start event fired in `scope` (null: the process).
 * An interrupting one cancels everything else the scope is doing first.
 */
export function startEventSubProcess(
  ctx: StepContext,
  scope: NodeInstance | null,
  start: FlowNode,
  variables: Record<string, unknown> | undefined,
): NodeInstance {
  const { processId } = scopeOfNode(ctx, scope ?? undefined);
  const scopeId = scope?.id ?? null;
  if (start.isInterrupting) {
    cancelChildren(ctx, scopeId);
    for (const sub of Object.values(ctx.state.subscriptions)) {
      if (sub.nodeId === scopeId && elementOf(ctx, sub.processId, sub.elementId).type === 'startEvent') removeSubscription(ctx, sub);
    }
  }
  const esp = createNode(ctx, { processId, elementId: start.scope, parent: scopeId });
  const dataNames = processOf(ctx, processId).scopes[start.scope]?.dataNames ?? [];
  esp.locals = Object.fromEntries(dataNames.map((name) => [name, null]));
  subscribeEventSubProcesses(ctx, esp, processId, start.scope);
  enqueue(ctx, { processId, elementId: start.id, parent: esp.id, ...(variables ? { variables } : {}) });
  return esp;
}
