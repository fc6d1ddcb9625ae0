import { PipelaneError } from '../errors.js';
import { runJob } from './activities.js';
import { createNode, getNode, nodeElement, type StepContext } from './context.js';
import { cancelChildren, enqueue, removeNode, scopeMaybeDone } from './flow.js';
import { route } from './gateways.js';
import { isIteration } from './loops.js';
import type { Incident, NodeInstance } from './state.js';
import { rearmStart, removeSubscriptionsOf } from './subscriptions.js';

/** Retrying an incident runs its job again, or lets its token (and any held with it) enter the element again. */
export function retry(ctx: StepContext, incidentId: string): void {
  const incident = ctx.state.incidents[incidentId];
  if (!incident) throw new PipelaneError('CONFLICT', `instance ${ctx.state.id} has no open incident ${incidentId}.`);
  delete ctx.state.incidents[incidentId];
  for (const id of [incident.nodeId, ...(incident.held ?? [])]) {
    const node = ctx.state.nodes[id];
    if (node) resume(ctx, node, incident.retry);
  }
}

function resume(ctx: StepContext, node: NodeInstance, kind: Incident['retry']): void {
  delete node.incident;
  if (kind === 'job') {
    runJob(ctx, node, nodeElement(ctx, node), (node.attempt ?? 1) + 1);
    return;
  }
  const held = node.held;
  delete node.held;
  const { processId, elementId, parent } = node;
  if (held?.kind === 'start') {
    enqueue(ctx, { processId, elementId, parent, nodeId: node.id });
    return;
  }
  if (held?.kind === 'subscribe') {
    removeNode(ctx, node);
    rearmStart(ctx, getNode(ctx, parent) ?? null, processId, nodeElement(ctx, node));
    scopeMaybeDone(ctx, parent); // the scope may have finished its work while this held it
    return;
  }
  if (held?.kind === 'arrival') {
    removeNode(ctx, node);
    enqueue(ctx, { processId, elementId, parent, ...(held.flowId !== undefined ? { flowId: held.flowId } : {}) });
    return;
  }
  reenter(ctx, node);
}

/**
 * The element is evaluated again from the start. A scope starts over (what
 * still runs inside it is cancelled); a gateway routes its token again (it
 * has joined already); a node its owner started (a loop iteration, a
 * compensation handler) starts again as itself, with its loop counter and
 * element variable.
 */
function reenter(ctx: StepContext, node: NodeInstance): void {
  const { processId, elementId, parent } = node;
  cancelChildren(ctx, node.id);
  if (node.role === 'element' && nodeElement(ctx, node).type.endsWith('Gateway')) {
    removeSubscriptionsOf(ctx, node.id);
    route(ctx, node);
    return;
  }
  if (isIteration(ctx, node) || node.compensates !== undefined) {
    const again = createNode(ctx, { processId, elementId, parent });
    if (node.loopCounter !== undefined) again.loopCounter = node.loopCounter;
    if (node.locals) again.locals = { ...node.locals };
    if (node.compensates !== undefined) again.compensates = node.compensates;
    delete node.compensates; // the handler is not done: its thrower keeps waiting
    removeNode(ctx, node);
    enqueue(ctx, { processId, elementId, parent, nodeId: again.id });
    return;
  }
  removeNode(ctx, node);
  enqueue(ctx, { processId, elementId, parent });
}
