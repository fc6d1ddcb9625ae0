import { isActivity, type FlowNode } from '../model/process-model.js';
import { completeActivity, startActivity } from './activities.js';
import { childrenOf, createNode, elementOf, getNode, nodeElement, processOf, type Arrival, type StepContext } from './context.js';
import { executeEvent } from './event-nodes.js';
import { evaluateFeel } from './expression.js';
import { arriveAtGateway, settleJoins } from './gateways.js';
import { handlerDone } from './compensation.js';
import { raiseIncident } from './incidents.js';
import { completeInstance } from './instance.js';
import { deliverSignals, evaluateConditions, removeSubscriptionsOf } from './subscriptions.js';
import type { NodeInstance } from './state.js';
import { visibleVariables } from './variables.js';

export function enqueue(ctx: StepContext, arrival: Arrival): void {
  ctx.agenda.push(arrival);
}

/** Moves every token as far as it goes, then lets waiting joins, signals and conditions settle. */
export function drain(ctx: StepContext): void {
  for (;;) {
    while (ctx.agenda.length > 0 && ctx.state.status === 'running') {
      if (--ctx.budget < 0) {
        holdAgenda(ctx);
        return;
      }
      arrive(ctx, ctx.agenda.shift()!);
    }
    if (ctx.state.status !== 'running') return;
    if (deliverSignals(ctx)) continue;
    if (settleJoins(ctx)) continue;
    if (evaluateConditions(ctx)) continue;
    return;
  }
}

function arrive(ctx: StepContext, arrival: Arrival): void {
  if (arrival.parent !== null && !getNode(ctx, arrival.parent)) return; // its scope was cancelled meanwhile
  if (arrival.nodeId !== undefined) {
    const node = ctx.state.nodes[arrival.nodeId];
    if (node) startNode(ctx, node); // else it was cancelled while it waited its turn
    return;
  }
  if (getNode(ctx, arrival.parent)?.completing) {
    scopeMaybeDone(ctx, arrival.parent); // an ad-hoc sub-process that met its completion condition starts nothing more
    return;
  }
  const element = elementOf(ctx, arrival.processId, arrival.elementId);
  if (element.type.endsWith('Gateway')) {
    arriveAtGateway(ctx, element, arrival);
    return;
  }
  if (isActivity(element.type) && element.startQuantity > 1 && !waitForStartQuantity(ctx, element, arrival)) return;
  const node = createNode(ctx, arrival);
  startNode(ctx, node, arrival.variables);
}

/** An activity with startQuantity n starts once n tokens have arrived. */
function waitForStartQuantity(ctx: StepContext, element: FlowNode, arrival: Arrival): boolean {
  let waiting = childrenOf(ctx, arrival.parent).find((n) => n.elementId === element.id && n.role === 'join');
  if (!waiting) waiting = createNode(ctx, { ...arrival, role: 'join' });
  waiting.tokens = (waiting.tokens ?? 0) + 1;
  if (waiting.tokens < element.startQuantity) return false;
  delete ctx.state.nodes[waiting.id];
  return true;
}

export function startNode(ctx: StepContext, node: NodeInstance, variables?: Record<string, unknown>): void {
  const element = nodeElement(ctx, node);
  if (isActivity(element.type)) startActivity(ctx, node);
  else executeEvent(ctx, node, element, variables);
}

/**
 * The node is done: it is removed and its token moves on along the outgoing
 * flows (all of them, or those given, times completionQuantity).
 */
export function leave(ctx: StepContext, node: NodeInstance, flows?: string[]): void {
  const element = nodeElement(ctx, node);
  const taken = flows ?? selectOutgoing(ctx, node, element);
  if (taken === undefined) return; // an incident holds the node
  removeNode(ctx, node);
  const times = isActivity(element.type) ? element.completionQuantity : 1;
  for (const flowId of taken) {
    const flow = processOf(ctx, node.processId).flows[flowId]!;
    for (let i = 0; i < times; i++) enqueue(ctx, { processId: node.processId, elementId: flow.target, parent: node.parent, flowId });
  }
  if (taken.length === 0 || times === 0) scopeMaybeDone(ctx, node.parent);
}

/**
 * Flows leaving an activity or event: every unconditional flow, every
 * conditional one that holds, and the default flow when no conditional one
 * holds (unconditional flows do not count against it).
 * Returns undefined when a condition cannot be evaluated (an incident).
 */
function selectOutgoing(ctx: StepContext, node: NodeInstance, element: FlowNode): string[] | undefined {
  const flows = processOf(ctx, node.processId).flows;
  const taken: string[] = [];
  let conditionHeld = false;
  for (const id of element.outgoing) {
    if (id === element.defaultFlow) continue;
    const condition = flows[id]?.condition;
    if (condition === undefined) {
      taken.push(id);
      continue;
    }
    const result = evaluateFeel(condition, visibleVariables(ctx, node.id));
    if (!result.ok) {
      raiseIncident(ctx, node, `the condition of sequence flow ${id} (${condition}) cannot be evaluated: ${result.message}`, 'element');
      return undefined;
    }
    if (result.value === true) {
      taken.push(id);
      conditionHeld = true;
    }
  }
  if (element.defaultFlow && !conditionHeld) taken.push(element.defaultFlow);
  return taken;
}

/** Removes a node that ended, with what it waited for: subscriptions, timers, jobs, user tasks. */
export function removeNode(ctx: StepContext, node: NodeInstance): void {
  removeSubscriptionsOf(ctx, node.id);
  if (node.jobId && !node.incident) ctx.commands.push({ type: 'cancelJob', jobId: node.jobId });
  if (node.taskId) ctx.commands.push({ type: 'closeUserTask', taskId: node.taskId });
  if (node.incident) delete ctx.state.incidents[node.incident];
  delete ctx.state.nodes[node.id];
  if (node.compensates) handlerDone(ctx, node.compensates);
}

/** Cancels a node and everything inside it, without moving any token on. */
export function cancelNode(ctx: StepContext, node: NodeInstance): void {
  cancelNodes(ctx, [node]);
}

/** Cancels everything that runs in a scope (null: the process). */
export function cancelChildren(ctx: StepContext, scopeId: string | null): void {
  cancelNodes(ctx, childrenOf(ctx, scopeId));
}

/**
 * Removes each node after everything inside it, innermost first. The nodes
 * are indexed by parent once: a scan per node would make cancelling a
 * multi-instance of many iterations quadratic.
 */
function cancelNodes(ctx: StepContext, roots: NodeInstance[]): void {
  if (roots.length === 0) return;
  const inside = new Map<string, NodeInstance[]>();
  for (const n of Object.values(ctx.state.nodes)) {
    if (n.parent === null) continue;
    const siblings = inside.get(n.parent);
    if (siblings) siblings.push(n);
    else inside.set(n.parent, [n]);
  }
  const stack: [NodeInstance, boolean][] = roots.map((n): [NodeInstance, boolean] => [n, false]).reverse();
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (expanded) {
      cancelOne(ctx, node);
      continue;
    }
    stack.push([node, true]);
    const children = inside.get(node.id) ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, false]);
  }
}

function cancelOne(ctx: StepContext, node: NodeInstance): void {
  if (!ctx.state.nodes[node.id]) return; // gone with a compensation thrower cancelled before it
  const compensates = node.compensates;
  delete node.compensates;
  removeNode(ctx, node);
  // A cancelled compensation handler cancels the throw event waiting for it.
  if (compensates && ctx.state.nodes[compensates]) cancelNode(ctx, ctx.state.nodes[compensates]);
}

/** Called when a token disappeared from a scope: a scope with nothing left in it completes. */
export function scopeMaybeDone(ctx: StepContext, scopeId: string | null): void {
  if (ctx.state.status !== 'running') return;
  if (ctx.agenda.some((a) => a.parent === scopeId)) return;
  if (childrenOf(ctx, scopeId).length > 0) return;
  if (scopeId === null) {
    completeInstance(ctx, 'completed');
    return;
  }
  const scope = getNode(ctx, scopeId);
  if (!scope || scope.role !== 'element') return;
  if (scope.compensates || scope.compensating) {
    if (!scope.compensating?.length) removeNode(ctx, scope);
    return;
  }
  completeActivity(ctx, scope);
}

/**
 * A step that moved 100,000 tokens without waiting stops rather than hang:
 * every token still on the agenda is held where it was going, under one
 * incident on the token that would have moved next; a retry lets them all
 * go on with a fresh budget.
 */
function holdAgenda(ctx: StepContext): void {
  const held = ctx.agenda.splice(0).flatMap((arrival) => {
    const node = holdArrival(ctx, arrival);
    return node ? [node] : [];
  });
  const [first, ...others] = held;
  if (!first) return;
  raiseIncident(ctx, first, `the model loops without ever waiting (more than 100,000 elements in one step); the token stopped on its way into ${first.elementId}`, 'element');
  if (others.length > 0) ctx.state.incidents[first.incident!]!.held = others.map((n) => n.id);
}

function holdArrival(ctx: StepContext, arrival: Arrival): NodeInstance | undefined {
  if (arrival.parent !== null && !getNode(ctx, arrival.parent)) return undefined;
  if (arrival.nodeId !== undefined) {
    const node = ctx.state.nodes[arrival.nodeId];
    if (node) node.held = { kind: 'start' };
    return node;
  }
  const node = createNode(ctx, { processId: arrival.processId, elementId: arrival.elementId, parent: arrival.parent });
  node.held = { kind: 'arrival', ...(arrival.flowId !== undefined ? { flowId: arrival.flowId } : {}) };
  return node;
}
