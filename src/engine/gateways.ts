import type { FlowNode, ProcessDefinition } from '../model/process-model.js';
import { childrenOf, createNode, nodeElement, processOf, type Arrival, type StepContext } from './context.js';
import { evaluateFeel } from './expression.js';
import { leave } from './flow.js';
import { raiseIncident } from './incidents.js';
import type { NodeInstance } from './state.js';
import { subscribeCatch, subscribeMessage } from './subscriptions.js';
import { visibleVariables } from './variables.js';

/** A token reached a gateway: it joins (waits for others) or passes and is routed. */
export function arriveAtGateway(ctx: StepContext, element: FlowNode, arrival: Arrival): void {
  const joins = element.incoming.length > 1 && element.type !== 'exclusiveGateway' && element.type !== 'eventBasedGateway';
  if (!joins) {
    route(ctx, createNode(ctx, arrival));
    return;
  }
  let join = childrenOf(ctx, arrival.parent).find((n) => n.role === 'join' && n.elementId === element.id);
  if (!join) join = createNode(ctx, { ...arrival, role: 'join', processId: arrival.processId });
  join.arrived ??= {};
  const flow = arrival.flowId ?? '';
  join.arrived[flow] = (join.arrived[flow] ?? 0) + 1;
  if (element.type === 'parallelGateway' && element.incoming.every((f) => (join.arrived![f] ?? 0) > 0)) fire(ctx, join, element);
  else if (element.type === 'complexGateway') complexArrival(ctx, join, element);
}

/** Consumes one token per incoming flow that has one and routes a new token onwards. */
function fire(ctx: StepContext, join: NodeInstance, element: FlowNode): void {
  for (const f of element.incoming) if ((join.arrived![f] ?? 0) > 0) join.arrived![f]! -= 1;
  if (!Object.values(join.arrived!).some((n) => n > 0)) delete ctx.state.nodes[join.id];
  route(ctx, createNode(ctx, { processId: join.processId, elementId: join.elementId, parent: join.parent }));
}

/** The complex gateway fires once its activation condition holds, then absorbs the rest of the round. */
function complexArrival(ctx: StepContext, join: NodeInstance, element: FlowNode): void {
  const count = Object.values(join.arrived!).reduce((a, b) => a + b, 0);
  const complete = element.incoming.every((f) => (join.arrived![f] ?? 0) > 0);
  if (!join.fired) {
    let activated = complete;
    if (element.activationCondition) {
      const result = evaluateFeel(element.activationCondition, { ...visibleVariables(ctx, join.parent), activationCount: count });
      if (!result.ok) {
        raiseIncident(ctx, join, `the activation condition of ${element.id} (${element.activationCondition}) cannot be evaluated: ${result.message}`, 'element');
        return;
      }
      activated = result.value === true;
    }
    if (activated) {
      join.fired = true;
      route(ctx, createNode(ctx, { processId: join.processId, elementId: join.elementId, parent: join.parent }));
    }
  }
  if (complete) {
    for (const f of element.incoming) join.arrived![f]! -= 1;
    join.fired = false;
    if (!Object.values(join.arrived!).some((n) => n > 0)) delete ctx.state.nodes[join.id];
  }
}

/**
 * Inclusive joins fire once no token left in their scope can still reach
 * them; this runs whenever the tokens of a step have settled.
 */
export function settleJoins(ctx: StepContext): boolean {
  let fired = false;
  for (const join of Object.values(ctx.state.nodes)) {
    if (join.role !== 'join' || !ctx.state.nodes[join.id]) continue;
    const element = nodeElement(ctx, join);
    if (element.type !== 'inclusiveGateway') continue;
    const process = processOf(ctx, join.processId);
    const others = childrenOf(ctx, join.parent).filter((n) => n.id !== join.id);
    if (others.some((n) => reaches(process, n.elementId, element.id))) continue;
    fire(ctx, join, element);
    fired = true;
  }
  return fired;
}

const reachCache = new WeakMap<ProcessDefinition, Map<string, Set<string>>>();

/** Whether a token at `from` can still arrive at `to` along sequence flows (and boundary events). */
function reaches(process: ProcessDefinition, from: string, to: string): boolean {
  let cache = reachCache.get(process);
  if (!cache) reachCache.set(process, (cache = new Map()));
  let set = cache.get(from);
  if (!set) {
    set = new Set();
    const queue = [from];
    while (queue.length > 0) {
      const node = process.nodes[queue.pop()!];
      if (!node) continue;
      const next = [...node.outgoing.map((f) => process.flows[f]!.target), ...node.boundaryEvents];
      for (const id of next) if (!set.has(id)) (set.add(id), queue.push(id));
    }
    cache.set(from, set);
  }
  return set.has(to);
}

/** Routes a token that passed a gateway along the flows its kind selects. */
export function route(ctx: StepContext, node: NodeInstance): void {
  const element = nodeElement(ctx, node);
  if (element.type === 'eventBasedGateway') {
    const process = processOf(ctx, node.processId);
    for (const flowId of element.outgoing) {
      const target = process.nodes[process.flows[flowId]!.target]!;
      if (target.type === 'receiveTask') subscribeMessage(ctx, node, target);
      else subscribeCatch(ctx, node, target, node);
    }
    return;
  }
  if (element.type === 'parallelGateway') {
    leave(ctx, node, element.outgoing);
    return;
  }
  const flows = selectFlows(ctx, node, element);
  if (flows) leave(ctx, node, flows);
}

function selectFlows(ctx: StepContext, node: NodeInstance, element: FlowNode): string[] | undefined {
  const process = processOf(ctx, node.processId);
  const variables = visibleVariables(ctx, node.id);
  const exclusive = element.type === 'exclusiveGateway';
  const taken: string[] = [];
  for (const flowId of element.outgoing) {
    if (flowId === element.defaultFlow) continue;
    const condition = process.flows[flowId]!.condition;
    if (condition !== undefined) {
      const result = evaluateFeel(condition, variables);
      if (!result.ok) {
        raiseIncident(ctx, node, `the condition of sequence flow ${flowId} (${condition}) cannot be evaluated: ${result.message}`, 'element');
        return undefined;
      }
      if (result.value !== true) continue;
    }
    taken.push(flowId);
    if (exclusive) break;
  }
  if (taken.length === 0 && element.defaultFlow) taken.push(element.defaultFlow);
  if (taken.length === 0 && element.outgoing.length > 0) {
    raiseIncident(ctx, node, `no condition of ${element.id}'s outgoing sequence flows holds and it has no default flow`, 'element');
    return undefined;
  }
  return taken;
}
