import type { EventDefinition, FlowNode } from '../model/process-model.js';
import { createNode, elementOf, getNode, nextId, processOf, type StepContext } from './context.js';
import { evaluateFeel } from './expression.js';
import { raiseIncident } from './incidents.js';
import type { NodeInstance, Subscription, Trigger } from './state.js';
import { timerDueAt } from './timers.js';
import { triggerSubscription } from './triggers.js';
import { visibleVariables } from './variables.js';

/** Catch events wait through subscriptions: messages, signals, timers, conditions. */
function subscribe(
  ctx: StepContext,
  owner: NodeInstance | null,
  processId: string,
  element: FlowNode,
  definition: number,
): Subscription | undefined {
  const def = element.eventDefinitions[definition]!;
  const trigger = triggerFor(ctx, owner, processId, element, def);
  if (trigger === undefined) return undefined;
  if (trigger === null) return undefined;
  const sub: Subscription = { id: nextId(ctx, 's'), nodeId: owner?.id ?? null, elementId: element.id, processId, definition, trigger };
  ctx.state.subscriptions[sub.id] = sub;
  if (trigger.type === 'timer') ctx.commands.push({ type: 'setTimer', timerId: trigger.timerId, dueAt: trigger.dueAt, elementId: element.id });
  return sub;
}

/** undefined: the definition is caught otherwise (errors, links …); null: an incident was raised. */
function triggerFor(ctx: StepContext, owner: NodeInstance | null, processId: string, element: FlowNode, def: EventDefinition): Trigger | null | undefined {
  switch (def.kind) {
    case 'message':
      return messageTrigger(ctx, owner, processId, element, def.message, def.correlationKey);
    case 'signal':
      return { type: 'signal', name: def.signal };
    case 'conditional':
      return { type: 'conditional', condition: def.condition, last: false };
    case 'timer': {
      const due = timerDueAt(def.timer, def.expression, visibleVariables(ctx, owner?.id ?? null), ctx.now, 0);
      if (!due.ok || due.dueAt === undefined) {
        const reason = due.ok ? 'it never falls due' : due.message;
        subscriptionIncident(ctx, owner, processId, element, `the timer of ${element.id} (${def.expression}) is invalid: ${reason}`);
        return null;
      }
      return { type: 'timer', timerId: nextId(ctx, `${ctx.state.id}:timer:`), timer: def.timer, expression: def.expression, armedAt: ctx.now, dueAt: due.dueAt, fired: 0 };
    }
    default:
      return undefined;
  }
}

/**
 * A message subscription. With a correlation key, the key's value is taken
 * from the variables when the subscription opens, and only a message with
 * that key reaches it. null: the key could not be evaluated (an incident).
 */
function messageTrigger(
  ctx: StepContext,
  owner: NodeInstance | null,
  processId: string,
  element: FlowNode,
  name: string,
  keyExpression: string | undefined,
): Trigger | null {
  if (keyExpression === undefined) return { type: 'message', name };
  const result = evaluateFeel(keyExpression, visibleVariables(ctx, owner?.id ?? null));
  const value = result.ok ? result.value : undefined;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return { type: 'message', name, correlationKey: String(value) };
  const reason = result.ok ? `it gives ${JSON.stringify(value ?? null)}, not a string or a number` : result.message;
  subscriptionIncident(ctx, owner, processId, element, `the correlation key of ${element.id} (${keyExpression}) cannot be evaluated: ${reason}`);
  return null;
}

/**
 * What a catch event waits for cannot be set up (its timer, correlation key
 * or condition cannot be evaluated): an incident on the node that waits. The
 * start event of an event sub-process has no node while it waits, so one is
 * made in its scope to hold the incident; a retry subscribes it again.
 */
function subscriptionIncident(ctx: StepContext, owner: NodeInstance | null, processId: string, element: FlowNode, message: string): void {
  if (element.type === 'startEvent') {
    const held = createNode(ctx, { processId, elementId: element.id, parent: owner?.id ?? null });
    held.held = { kind: 'subscribe' };
    raiseIncident(ctx, held, message, 'element');
    return;
  }
  if (owner) raiseIncident(ctx, owner, message, 'element');
}

/** An intermediate catch event (or receive task) waits for any of its definitions. */
export function subscribeCatch(ctx: StepContext, node: NodeInstance, element: FlowNode, owner: NodeInstance = node): void {
  element.eventDefinitions.forEach((_, i) => subscribe(ctx, owner, owner.processId, element, i));
}

/** A receive task (or one after an event-based gateway, whose node is `owner`) waits for its message. */
export function subscribeMessage(ctx: StepContext, owner: NodeInstance, element: FlowNode): void {
  const trigger = messageTrigger(ctx, owner, owner.processId, element, element.message ?? '', element.correlationKey);
  if (!trigger) return;
  const sub: Subscription = { id: nextId(ctx, 's'), nodeId: owner.id, elementId: element.id, processId: owner.processId, definition: -1, trigger };
  ctx.state.subscriptions[sub.id] = sub;
}

export function subscribeBoundaryEvents(ctx: StepContext, host: NodeInstance, element: FlowNode): void {
  for (const boundaryId of element.boundaryEvents) {
    const boundary = elementOf(ctx, host.processId, boundaryId);
    boundary.eventDefinitions.forEach((_, i) => subscribe(ctx, host, host.processId, boundary, i));
  }
}

/**
 * Arms the start events of a scope's event sub-processes. A conditional one
 * whose condition already holds fires at once; returns true when such an
 * interrupting one took the scope over (its normal flow must not start).
 */
export function subscribeEventSubProcesses(ctx: StepContext, scope: NodeInstance | null, processId: string, scopeId: string): boolean {
  const process = processOf(ctx, processId);
  const starts = (process.scopes[scopeId]?.eventSubProcesses ?? []).flatMap((esp) => process.scopes[esp]?.startEvents ?? []);
  const conditional = starts.flatMap((id) => armStart(ctx, scope, processId, process.nodes[id]!));
  return fireConditionsThatHold(ctx, conditional);
}

/** Arms one event sub-process start event again (the retry of an incident that kept it from subscribing). */
export function rearmStart(ctx: StepContext, scope: NodeInstance | null, processId: string, start: FlowNode): void {
  // Its other definitions may have subscribed the first time: they are armed anew with the rest.
  removeSubscriptionsOf(ctx, scope?.id ?? null, (s) => s.elementId !== start.id);
  fireConditionsThatHold(ctx, armStart(ctx, scope, processId, start));
}

/** Subscribes each definition of a start event; returns its conditional subscriptions. */
function armStart(ctx: StepContext, scope: NodeInstance | null, processId: string, start: FlowNode): Subscription[] {
  const conditional: Subscription[] = [];
  start.eventDefinitions.forEach((_, i) => {
    const sub = subscribe(ctx, scope, processId, start, i);
    if (sub?.trigger.type === 'conditional') conditional.push(sub);
  });
  return conditional;
}

function fireConditionsThatHold(ctx: StepContext, conditional: Subscription[]): boolean {
  let interrupted = false;
  for (const sub of conditional) {
    if (!ctx.state.subscriptions[sub.id] || !conditionHolds(ctx, sub)) continue;
    interrupted ||= elementOf(ctx, sub.processId, sub.elementId).isInterrupting;
    triggerSubscription(ctx, sub, undefined);
  }
  return interrupted;
}

/** Whether a conditional subscription's condition holds now; one that cannot be evaluated raises an incident and is dropped. */
function conditionHolds(ctx: StepContext, sub: Subscription): boolean {
  if (sub.trigger.type !== 'conditional') return false;
  const result = evaluateFeel(sub.trigger.condition, visibleVariables(ctx, sub.nodeId));
  if (!result.ok) {
    const owner = getNode(ctx, sub.nodeId) ?? null;
    if (sub.nodeId === null || owner) {
      subscriptionIncident(ctx, owner, sub.processId, elementOf(ctx, sub.processId, sub.elementId), `the condition of ${sub.elementId} (${sub.trigger.condition}) cannot be evaluated: ${result.message}`);
    }
    removeSubscription(ctx, sub);
    return false;
  }
  sub.trigger.last = result.value === true;
  return sub.trigger.last;
}

export function removeSubscriptionsOf(ctx: StepContext, nodeId: string | null, except?: (s: Subscription) => boolean): void {
  for (const sub of Object.values(ctx.state.subscriptions)) {
    if (sub.nodeId !== nodeId || except?.(sub)) continue;
    removeSubscription(ctx, sub);
  }
}

export function removeSubscription(ctx: StepContext, sub: Subscription): void {
  if (sub.trigger.type === 'timer') ctx.commands.push({ type: 'cancelTimer', timerId: sub.trigger.timerId });
  delete ctx.state.subscriptions[sub.id];
}

/** Re-arms a timer cycle after it fired; returns false when the cycle is over. */
export function rearmTimer(ctx: StepContext, sub: Subscription): boolean {
  const t = sub.trigger;
  if (t.type !== 'timer') return false;
  const due = timerDueAt(t.timer, t.expression, visibleVariables(ctx, sub.nodeId), t.armedAt, t.fired + 1, t.dueAt);
  if (!due.ok || due.dueAt === undefined) return false;
  t.fired += 1;
  t.dueAt = due.dueAt;
  t.timerId = nextId(ctx, `${ctx.state.id}:timer:`);
  ctx.commands.push({ type: 'setTimer', timerId: t.timerId, dueAt: t.dueAt, elementId: sub.elementId });
  return true;
}

/** A signal thrown inside this instance: its subscriptions now, and later ones of this step once tokens settle. */
export function throwSignal(ctx: StepContext, name: string, variables: Record<string, unknown>): void {
  ctx.signals.push({ name, variables, afterSeq: ctx.state.seq });
  deliverSignal(ctx, name, variables, -1);
}

export function deliverSignals(ctx: StepContext): boolean {
  if (ctx.signals.length === 0) return false;
  for (const signal of ctx.signals.splice(0)) deliverSignal(ctx, signal.name, signal.variables, signal.afterSeq);
  return true;
}

function deliverSignal(ctx: StepContext, name: string, variables: Record<string, unknown>, afterSeq: number): void {
  const subs = Object.values(ctx.state.subscriptions).filter(
    (s) => s.trigger.type === 'signal' && s.trigger.name === name && Number(s.id.slice(1)) > afterSeq,
  );
  for (const sub of subs) if (ctx.state.subscriptions[sub.id]) triggerSubscription(ctx, sub, variables);
}

/** Conditional events fire when their condition turns true. */
export function evaluateConditions(ctx: StepContext): boolean {
  let fired = false;
  for (const sub of Object.values(ctx.state.subscriptions)) {
    const t = sub.trigger;
    if (t.type !== 'conditional' || !ctx.state.subscriptions[sub.id]) continue;
    const heldBefore = t.last;
    if (conditionHolds(ctx, sub) && !heldBefore) {
      triggerSubscription(ctx, sub, undefined);
      fired = true;
    }
  }
  return fired;
}
