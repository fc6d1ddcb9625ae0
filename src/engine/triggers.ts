import { completeActivity } from './activities.js';
import { createNode, elementOf, getNode, type StepContext } from './context.js';
import { startEventSubProcess } from './event-subprocess.js';
import { cancelNode, leave, removeNode } from './flow.js';
import type { NodeInstance, Subscription } from './state.js';
import { rearmTimer, removeSubscription } from './subscriptions.js';
import { setVariables } from './variables.js';

/** A subscription's event happened: the catching element reacts as the specification says. */
export function triggerSubscription(ctx: StepContext, sub: Subscription, variables: Record<string, unknown> | undefined): void {
  const element = elementOf(ctx, sub.processId, sub.elementId);
  const owner = getNode(ctx, sub.nodeId);
  if (sub.nodeId !== null && !owner) {
    removeSubscription(ctx, sub);
    return;
  }
  if (element.type === 'boundaryEvent') {
    triggerBoundary(ctx, owner!, sub, variables);
    return;
  }
  if (element.type === 'startEvent') {
    const interrupting = element.isInterrupting;
    if (interrupting || !rearmTimer(ctx, sub)) removeOnce(ctx, sub);
    startEventSubProcess(ctx, owner ?? null, element, variables);
    return;
  }
  const node = owner!;
  if (node.elementId !== element.id) {
    // an event-based gateway: the first of its events wins
    const parent = node.parent;
    removeNode(ctx, node);
    const target = createNode(ctx, { processId: sub.processId, elementId: element.id, parent });
    if (variables) setVariables(ctx, parent, variables);
    if (element.type === 'receiveTask') completeActivity(ctx, target);
    else leave(ctx, target);
    return;
  }
  if (element.parallelMultiple && sub.definition >= 0) {
    node.triggered = [...new Set([...(node.triggered ?? []), sub.definition])];
    removeSubscription(ctx, sub);
    if (variables) setVariables(ctx, node.parent, variables);
    if (node.triggered.length < element.eventDefinitions.length) return;
  }
  if (variables) setVariables(ctx, node.parent, variables);
  if (element.type === 'receiveTask') completeActivity(ctx, node);
  else leave(ctx, node);
}

function triggerBoundary(ctx: StepContext, host: NodeInstance, sub: Subscription, variables: Record<string, unknown> | undefined): void {
  const boundary = elementOf(ctx, sub.processId, sub.elementId);
  const parent = host.parent;
  if (boundary.cancelActivity) cancelNode(ctx, host);
  else if (!rearmTimer(ctx, sub)) removeOnce(ctx, sub);
  if (variables) setVariables(ctx, parent, variables);
  const node = createNode(ctx, { processId: sub.processId, elementId: boundary.id, parent });
  leave(ctx, node);
}

/** Timers fire once; message, signal and conditional subscriptions of non-interrupting events stay. */
function removeOnce(ctx: StepContext, sub: Subscription): void {
  if (sub.trigger.type === 'timer') removeSubscription(ctx, sub);
}
