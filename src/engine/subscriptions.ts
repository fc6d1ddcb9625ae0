import type { EventDefinition, FlowNode } from '../model/process-model.js';
import { elementOf, getNode, nextId, processOf, type StepContext } from './context.js';
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
  const trigger = triggerFor(ctx, owner, element, def);
  if (trigger === undefined) return undefined;
  if (trigger === null) return undefined;
  const sub: Subscription = { id: nextId(ctx, 's'), nodeId: owner?.id ?? null, elementId: element.id, processId, definition, trigger };
  ctx.state.subscriptions[sub.id] = sub;
  if (trigger.type === 'timer') ctx.commands.push({ type: 'setTimer', timerId: trigger.timerId, dueAt: trigger.dueAt, elementId: element.id });
  return sub;
}

/** undefined: the definition is caught otherwise (errors, links …); null: an incident was raised. */
function triggerFor(ctx: StepContext, owner: NodeInstance | null, element: FlowNode, def: EventDefinition): Trigger | null | undefined {
  switch (def.kind) {
    case 'message':
      return { type: 'message', name: def.message, ...(def.correlationKey ? { correlationKey: def.correlationKey } : {}) };
    case 'signal':
      return { type: 'signal', name: def.signal };
    case 'conditional':
      return { type: 'conditional', condition: def.condition, last: false };
    case 'timer': {
      const due = timerDueAt(def.timer, def.expression, visibleVariables(ctx, owner?.id ?? null), ctx.now, 0);
      if (!due.ok || due.dueAt === undefined) {
        const reason = due.ok ? 'it never falls due' : due.message;
        if (owner) raiseIncident(ctx, owner, `the timer of ${element.id} (${def.expression}) is invalid: ${reason}`, 'element');
        return null;
      }
      return { type: 'timer', timerId: nextId(ctx, `${ctx.state.id}:timer:`), timer: def.timer, expression: def.expression, armedAt: ctx.now, dueAt: due.dueAt, fired: 0 };
    }
    default:
      return undefined;
  }
}

/** An intermediate catch event (or receive task) waits for any of its definitions. */
export function subscribeCatch(ctx: StepContext, node: NodeInstance, element: FlowNode, owner: NodeInstance = node): void {
  element.eventDefinitions.forEach((_, i) => subscribe(ctx, owner, owner.processId, element, i));
}

export function subscribeMessage(ctx: StepContext, node: NodeInstance, element: FlowNode, message: string): void {
  const sub: Subscription = {
    id: nextId(ctx, 's'),
    nodeId: node.id,
    elementId: element.id,
    processId: node.processId,
    definition: -1,
    trigger: { type: 'message', name: message },
  };
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
  const conditional: Subscription[] = [];
  for (const espId of process.scopes[scopeId]?.eventSubProcesses ?? []) {
    for (const startId of process.scopes[espId]?.startEvents ?? []) {
      const start = process.nodes[startId]!;
      start.eventDefinitions.forEach((_, i) => {
        const sub = subscribe(ctx, scope, processId, start, i);
        if (sub?.trigger.type === 'conditional') conditional.push(sub);
      });
    }
  }
  let interrupted = false;
  for (const sub of conditional) {
    if (!ctx.state.subscriptions[sub.id] || !conditionHolds(ctx, sub)) continue;
    interrupted ||= process.nodes[sub.elementId]!.isInterrupting;
    triggerSubscription(ctx, sub, undefined);
  }
  return interrupted;
}

function conditionHolds(ctx: StepContext, sub: Subscription): boolean {
  if (sub.trigger.type !== 'conditional') return false;
  const result = evaluateFeel(sub.trigger.condition, visibleVariables(ctx, sub.nodeId));
  sub.trigger.last = result.ok && result.value === true;
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
    const result = evaluateFeel(t.condition, visibleVariables(ctx, sub.nodeId));
    const holds = result.ok && result.value === true;
    if (!result.ok) {
      const owner = getNode(ctx, sub.nodeId);
      if (owner) raiseIncident(ctx, owner, `the condition of ${sub.elementId} (${t.condition}) cannot be evaluated: ${result.message}`, 'element');
      removeSubscription(ctx, sub);
      continue;
    }
    if (holds && !t.last) {
      t.last = true;
      triggerSubscription(ctx, sub, undefined);
      fired = true;
    } else if (!holds) t.last = false;
  }
  return fired;
}
