import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isA, kindOf, many, one } from './walk.js';

/** Which triggers (event definitions) each kind of event may have, per the event tables of the specification. */

/** The event's definitions, whether contained or referenced with eventDefinitionRef. */
export function eventDefinitionsOf(event: ModdleElement): ModdleElement[] {
  return [...many(event, 'eventDefinitions'), ...many(event, 'eventDefinitionRef')];
}

/** `bpmn:TimerEventDefinition` → `timer`. */
export function triggerOf(definition: ModdleElement): string {
  const local = definition.$type.split(':').pop() ?? '';
  return local.replace(/EventDefinition$/, '').toLowerCase();
}

interface Allowance {
  rules: readonly string[];
  /** The triggers that are not allowed. */
  forbidden: readonly string[];
  /** Whether the event needs at least one trigger. */
  needsTrigger: boolean;
  /** How the event is called in messages. */
  what: string;
}

export function checkEventDefinitions(ctx: RuleContext): void {
  for (const event of ctx.all('bpmn:Event')) {
    const allowance = allowanceFor(event);
    if (allowance !== undefined) checkAllowance(ctx, event, allowance);
  }
  checkCancelBoundaries(ctx);
  checkThrownDefinitionsAreOwned(ctx);
}

function allowanceFor(event: ModdleElement): Allowance | undefined {
  const parent = event.$parent;
  if (isA(event, 'bpmn:StartEvent')) {
    if (isA(parent, 'bpmn:Process')) {
      return { rules: ['EXT098'], forbidden: ['link', 'escalation', 'error', 'cancel', 'compensate', 'terminate'], needsTrigger: false, what: 'a start event of a process' };
    }
    if (isA(parent, 'bpmn:SubProcess') && parent?.['triggeredByEvent'] === true) {
      const interrupting = event['isInterrupting'] !== false;
      return {
        rules: ['EXT059'],
        forbidden: interrupting ? ['link', 'cancel', 'terminate'] : ['link', 'cancel', 'terminate', 'compensate', 'error'],
        needsTrigger: true,
        what: interrupting ? 'the start event of an event sub-process' : 'a non-interrupting start event of an event sub-process',
      };
    }
    if (isA(parent, 'bpmn:SubProcess')) {
      return { rules: ['EXT100'], forbidden: ['*'], needsTrigger: false, what: 'a start event of a sub-process' };
    }
    return undefined;
  }
  if (isA(event, 'bpmn:BoundaryEvent')) {
    const interrupting = event['cancelActivity'] !== false;
    return {
      rules: ['EXT110', 'EXT147'],
      forbidden: interrupting ? ['link', 'terminate'] : ['link', 'terminate', 'error', 'cancel', 'compensate'],
      needsTrigger: true,
      what: interrupting ? 'a boundary event' : 'a non-interrupting boundary event',
    };
  }
  if (isA(event, 'bpmn:IntermediateCatchEvent')) {
    return { rules: ['EXT148'], forbidden: ['cancel', 'compensate', 'error', 'terminate', 'escalation'], needsTrigger: true, what: 'an intermediate catch event' };
  }
  if (isA(event, 'bpmn:IntermediateThrowEvent')) {
    return { rules: ['EXT149'], forbidden: ['cancel', 'conditional', 'error', 'terminate', 'timer'], needsTrigger: false, what: 'an intermediate throw event' };
  }
  if (isA(event, 'bpmn:EndEvent')) {
    return { rules: ['EXT146'], forbidden: ['link', 'conditional', 'timer'], needsTrigger: false, what: 'an end event' };
  }
  return undefined;
}

/** Rules that single out one case of a table: the specification states them again on their own. */
function extraRules(event: ModdleElement, trigger: string | undefined): string[] {
  if (trigger === undefined && isA(event, 'bpmn:StartEvent')) return ['EXT129'];
  if (trigger === undefined && isA(event, 'bpmn:BoundaryEvent')) return ['EXT130'];
  if (trigger === 'compensate' && isA(event, 'bpmn:IntermediateCatchEvent')) return ['EXT122'];
  return [];
}

function checkAllowance(ctx: RuleContext, event: ModdleElement, allowance: Allowance): void {
  const triggers = eventDefinitionsOf(event).map(triggerOf);
  if (allowance.needsTrigger && triggers.length === 0) {
    for (const rule of [...allowance.rules, ...extraRules(event, undefined)]) {
      ctx.report({
        rule,
        element: event,
        message: `the ${kindOf(event)} has no event definition, but ${allowance.what} must say what it waits for (message, timer, signal, …).`,
        fix: 'Add an event definition (for example <timerEventDefinition> or <messageEventDefinition>) to the event.',
      });
    }
  }
  for (const trigger of new Set(triggers)) {
    if (!allowance.forbidden.includes('*') && !allowance.forbidden.includes(trigger)) continue;
    for (const rule of [...allowance.rules, ...extraRules(event, trigger)]) {
      ctx.report({
        rule,
        element: event,
        message: `the ${kindOf(event)} has a ${trigger} event definition, which ${allowance.what} cannot have.`,
        fix: allowance.forbidden.includes('*')
          ? 'Remove the event definition: a sub-process starts when the flow reaches it (use an event sub-process for triggered starts).'
          : `Remove the ${trigger} event definition or use a kind of event that supports it.`,
      });
    }
  }
}

/** EXT111, EXT120: a cancel boundary event is attached to a transaction. */
function checkCancelBoundaries(ctx: RuleContext): void {
  for (const event of ctx.all('bpmn:BoundaryEvent')) {
    if (!eventDefinitionsOf(event).some((d) => isA(d, 'bpmn:CancelEventDefinition'))) continue;
    const host = one(event, 'attachedToRef');
    if (host === undefined || isA(host, 'bpmn:Transaction')) continue;
    for (const rule of ['EXT111', 'EXT120']) {
      ctx.report({
        rule,
        element: event,
        message: `the cancel boundary event is attached to ${kindOf(host)} "${host.id}", but only a transaction can be cancelled.`,
        fix: 'Attach the cancel event to a transaction sub-process, or use an error boundary event.',
      });
    }
  }
}

/** EXT095: a definition written inside a throw event belongs to it and is not referenced by other events. */
function checkThrownDefinitionsAreOwned(ctx: RuleContext): void {
  const owned = new Map<ModdleElement, ModdleElement>();
  for (const event of ctx.all('bpmn:ThrowEvent')) {
    for (const definition of many(event, 'eventDefinitions')) owned.set(definition, event);
  }
  for (const event of ctx.all('bpmn:Event')) {
    for (const definition of many(event, 'eventDefinitionRef')) {
      const owner = owned.get(definition);
      if (owner === undefined || owner === event) continue;
      ctx.report({
        rule: 'EXT095',
        element: event,
        message: `the ${kindOf(event)} refers to event definition "${definition.id}", which belongs to ${kindOf(owner)} "${owner.id}".`,
        fix: 'Declare the event definition at the top level of the file (or inside this event) instead of reusing the one of another throw event.',
      });
    }
  }
}
