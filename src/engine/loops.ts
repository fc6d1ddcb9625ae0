import type { EventDefinition, FlowNode, MultiInstanceLoop, StandardLoop } from '../model/process-model.js';
import { recordCompensation } from './compensation.js';
import { createNode, getNode, nodeElement, processOf, type StepContext } from './context.js';
import { evaluateFeel } from './expression.js';
import { adHocChildCompleted } from './ad-hoc.js';
import { cancelChildren, enqueue, leave, removeNode } from './flow.js';
import { raiseIncident } from './incidents.js';
import type { NodeInstance } from './state.js';
import { throwSignal } from './subscriptions.js';
import { setVariables, visibleVariables } from './variables.js';

/** A node is an iteration when its parent is the loop body of the same element. */
export function isIteration(ctx: StepContext, node: NodeInstance): boolean {
  const parent = getNode(ctx, node.parent);
  return parent?.role === 'loopBody' && parent.elementId === node.elementId && parent.processId === node.processId;
}

/** The node becomes the loop body; its iterations run as child nodes. */
export function startLoop(ctx: StepContext, body: NodeInstance, element: FlowNode): void {
  body.role = 'loopBody';
  const loop = element.loop!;
  if (loop.kind === 'standard') {
    if (loop.maximum !== undefined && loop.maximum < 0) {
      raiseIncident(ctx, body, `loopMaximum of ${element.id} is ${loop.maximum}; it must be 0 or more`, 'element');
      return;
    }
    body.loop = { kind: 'standard', started: 0, completed: 0 };
    nextStandardIteration(ctx, body, loop);
    return;
  }
  const items = collection(ctx, body, element, loop);
  if (items === undefined) return;
  body.loop = { kind: 'multiInstance', started: 0, completed: 0, total: items.length, items };
  if (loop.outputCollection) body.loop.outputs = items.map(() => null);
  if (items.length === 0) {
    finish(ctx, body);
    return;
  }
  const first = loop.sequential ? 1 : items.length;
  for (let i = 0; i < first; i++) startIteration(ctx, body, loop);
}

function collection(ctx: StepContext, body: NodeInstance, element: FlowNode, loop: MultiInstanceLoop): unknown[] | undefined {
  const variables = visibleVariables(ctx, body.parent);
  const source = loop.collection ?? loop.cardinality;
  if (source === undefined) {
    raiseIncident(ctx, body, `multi-instance ${element.id} has neither a loop cardinality nor an input collection`, 'element');
    return undefined;
  }
  const result = evaluateFeel(source, variables);
  if (!result.ok) {
    raiseIncident(ctx, body, `the ${loop.collection ? 'input collection' : 'loop cardinality'} of ${element.id} (${source}) cannot be evaluated: ${result.message}`, 'element');
    return undefined;
  }
  if (loop.collection !== undefined) {
    if (Array.isArray(result.value)) return result.value;
    raiseIncident(ctx, body, `the input collection of ${element.id} (${source}) is not a list`, 'element');
    return undefined;
  }
  const n = Number(result.value);
  if (!Number.isInteger(n) || n < 0) {
    raiseIncident(ctx, body, `the loop cardinality of ${element.id} (${source}) is ${String(result.value)}, not a whole number of 0 or more`, 'element');
    return undefined;
  }
  return Array.from({ length: n }, (_, i) => i + 1);
}

function nextStandardIteration(ctx: StepContext, body: NodeInstance, loop: StandardLoop): void {
  const state = body.loop!;
  if (loop.maximum !== undefined && state.started >= loop.maximum) {
    finish(ctx, body);
    return;
  }
  if ((loop.testBefore || state.started > 0) && loop.condition !== undefined) {
    const result = evaluateFeel(loop.condition, { ...visibleVariables(ctx, body.id), loopCounter: state.started });
    if (!result.ok) {
      raiseIncident(ctx, body, `the loop condition of ${body.elementId} (${loop.condition}) cannot be evaluated: ${result.message}`, 'element');
      return;
    }
    if (result.value !== true) {
      finish(ctx, body);
      return;
    }
  } else if (state.started > 0 && loop.condition === undefined && loop.maximum === undefined) {
    finish(ctx, body);
    return;
  }
  startIteration(ctx, body, loop);
}

const PLAIN_NAME = /^[A-Za-z_]\w*$/;

/**
 * Creates the next iteration and queues it on the agenda: an iteration that
 * completes at once (a plain task) must not start the next one from inside
 * itself, or a long loop would exhaust the stack instead of the step's budget.
 */
function startIteration(ctx: StepContext, body: NodeInstance, loop: StandardLoop | MultiInstanceLoop): void {
  const state = body.loop!;
  const index = state.started;
  state.started += 1;
  const node = createNode(ctx, { processId: body.processId, elementId: body.elementId, parent: body.id });
  node.loopCounter = index + 1;
  node.locals = { loopCounter: index + 1 };
  if (loop.kind === 'multiInstance') {
    if (loop.elementVariable) node.locals[loop.elementVariable] = state.items?.[index] ?? null;
    // A plain name as output element is the iteration's own variable, so parallel iterations do not overwrite each other's.
    const output = loop.outputElement?.replace(/^\s*=/, '').trim();
    if (output && PLAIN_NAME.test(output)) node.locals[output] = null;
  }
  enqueue(ctx, { processId: node.processId, elementId: node.elementId, parent: body.id, nodeId: node.id });
}

/** An iteration finished: the loop goes on, or the body completes. */
export function iterationCompleted(ctx: StepContext, node: NodeInstance): void {
  const body = getNode(ctx, node.parent)!;
  const element = nodeElement(ctx, body);
  const loop = element.loop!;
  const state = body.loop!;
  if (loop.kind === 'multiInstance' && !collectOutput(ctx, node, body, loop)) return;
  removeNode(ctx, node);
  state.completed += 1;
  if (loop.kind === 'standard') {
    nextStandardIteration(ctx, body, loop);
    return;
  }
  // Iterations leave only by completing (or with the whole body), so this counts those still running without a scan.
  const active = state.started - state.completed;
  const vars = () => ({
    ...visibleVariables(ctx, body.id),
    nrOfInstances: state.total,
    nrOfCompletedInstances: state.completed,
    nrOfActiveInstances: active,
  });
  if (!throwBehaviorEvents(ctx, body, element, loop, vars)) return;
  if (loop.completionCondition) {
    const result = evaluateFeel(loop.completionCondition, vars());
    if (!result.ok) {
      raiseIncident(ctx, body, `the completion condition of ${element.id} (${loop.completionCondition}) cannot be evaluated: ${result.message}`, 'element');
      return;
    }
    if (result.value === true) {
      cancelChildren(ctx, body.id);
      finish(ctx, body);
      return;
    }
  }
  if (loop.sequential && state.started < state.total!) startIteration(ctx, body, loop);
  else if (active === 0 && state.started >= state.total!) finish(ctx, body);
}

/** An iteration with an output element adds what it gave to the output collection; false: an incident holds it. */
function collectOutput(ctx: StepContext, node: NodeInstance, body: NodeInstance, loop: MultiInstanceLoop): boolean {
  if (!loop.outputElement || !body.loop?.outputs) return true;
  const result = evaluateFeel(loop.outputElement, visibleVariables(ctx, node.id));
  if (!result.ok) {
    raiseIncident(ctx, node, `the output element of ${body.elementId} (${loop.outputElement}) cannot be evaluated: ${result.message}`, 'element');
    return false;
  }
  body.loop.outputs[(node.loopCounter ?? 1) - 1] = result.value ?? null;
  return true;
}

/**
 * The events a multi-instance activity throws as an iteration completes:
 * behavior None throws its event every time, One the first time, Complex
 * each event whose condition holds. Returns false when the body is gone
 * (its own boundary event interrupted it) or an incident holds it.
 */
function throwBehaviorEvents(
  ctx: StepContext,
  body: NodeInstance,
  element: FlowNode,
  loop: MultiInstanceLoop,
  vars: () => Record<string, unknown>,
): boolean {
  const state = body.loop!;
  if (loop.behavior === 'None' && loop.noneBehaviorEvent) throwImplicit(ctx, body, element, loop.noneBehaviorEvent);
  if (loop.behavior === 'One' && loop.oneBehaviorEvent && !state.oneThrown) {
    state.oneThrown = true;
    throwImplicit(ctx, body, element, loop.oneBehaviorEvent);
  }
  if (loop.behavior === 'Complex') {
    for (const behavior of loop.complexBehaviors ?? []) {
      if (!ctx.state.nodes[body.id]) return false;
      const result = evaluateFeel(behavior.condition, vars());
      if (!result.ok) {
        raiseIncident(ctx, body, `the condition of a complex behavior definition of ${element.id} (${behavior.condition}) cannot be evaluated: ${result.message}`, 'element');
        return false;
      }
      if (result.value === true) throwImplicit(ctx, body, element, behavior.event);
    }
  }
  return ctx.state.nodes[body.id] !== undefined;
}

function finish(ctx: StepContext, body: NodeInstance): void {
  const element = nodeElement(ctx, body);
  const loop = element.loop;
  if (loop?.kind === 'multiInstance' && loop.outputCollection && body.loop?.outputs) {
    setVariables(ctx, body.parent, { [loop.outputCollection]: body.loop.outputs });
  }
  recordCompensation(ctx, body, element);
  if (adHocChildCompleted(ctx, body)) return;
  leave(ctx, body);
}

/**
 * The events a multi-instance activity throws by its behavior are caught by
 * its own boundary events without interrupting it (it is their source), or
 * else broadcast as a signal.
 */
function throwImplicit(ctx: StepContext, body: NodeInstance, element: FlowNode, event: EventDefinition): void {
  const process = processOf(ctx, body.processId);
  const boundary = element.boundaryEvents.map((id) => process.nodes[id]!).find((b) => b.eventDefinitions.some((d) => sameEvent(d, event)));
  if (boundary) {
    leave(ctx, createNode(ctx, { processId: body.processId, elementId: boundary.id, parent: body.parent }));
    return;
  }
  if (event.kind === 'signal') throwSignal(ctx, event.signal, {});
}

function sameEvent(a: EventDefinition, b: EventDefinition): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'signal' && b.kind === 'signal') return a.signal === b.signal;
  if (a.kind === 'message' && b.kind === 'message') return a.message === b.message;
  if ((a.kind === 'escalation' && b.kind === 'escalation') || (a.kind === 'error' && b.kind === 'error')) return a.code === undefined || a.code === b.code;
  return true;
}
