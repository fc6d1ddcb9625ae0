import type { FlowNode } from '../model/process-model.js';
import { completeActivity } from './activities.js';
import { getNode, nodeElement, type StepContext } from './context.js';
import { evaluateFeel } from './expression.js';
import { cancelChildren, enqueue } from './flow.js';
import { raiseIncident } from './incidents.js';
import type { NodeInstance } from './state.js';
import { visibleVariables } from './variables.js';

/**
 * An ad-hoc sub-process ran out of work (nothing runs inside it). A
 * sequential one starts its next activity; one held by an incident waits for
 * the retry. Returns true when it does not complete now.
 */
export function continueAdHoc(ctx: StepContext, node: NodeInstance, element: FlowNode): boolean {
  if (!element.adHoc) return false;
  if (node.incident) return true;
  if (!element.adHoc.sequential || node.completing) return false;
  const next = node.pending?.shift();
  if (next === undefined) return false;
  enqueue(ctx, { processId: node.processId, elementId: next, parent: node.id });
  return true;
}

/**
 * An activity directly inside an ad-hoc sub-process completed: the
 * sub-process's completion condition is evaluated. When it holds, the
 * sub-process starts nothing more; with cancelRemainingInstances (the
 * default) it cancels what still runs and completes at once, else it
 * completes when that is done. Returns true when the sub-process completed
 * (and `child` with it, so its token goes no further).
 */
export function adHocChildCompleted(ctx: StepContext, child: NodeInstance): boolean {
  const scope = getNode(ctx, child.parent);
  if (!scope || scope.role !== 'element' || scope.completing || scope.incident) return false;
  const adHoc = nodeElement(ctx, scope).adHoc;
  if (!adHoc?.completionCondition) return false;
  const result = evaluateFeel(adHoc.completionCondition, visibleVariables(ctx, scope.id));
  if (!result.ok) {
    raiseIncident(ctx, scope, `the completion condition of ${scope.elementId} (${adHoc.completionCondition}) cannot be evaluated: ${result.message}`, 'element');
    return false;
  }
  if (result.value !== true) return false;
  delete scope.pending;
  if (!adHoc.cancelRemainingInstances) {
    scope.completing = true;
    return false;
  }
  cancelChildren(ctx, scope.id);
  completeActivity(ctx, scope);
  return true;
}
