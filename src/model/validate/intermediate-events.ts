import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { eventDefinitionsOf } from './event-definitions.js';
import { containerOf, isA, kindOf, many, nameOf, one, text } from './walk.js';

/** Boundary and intermediate events: how they sit in the flow, and how link events pair up. */
export function checkIntermediateEvents(ctx: RuleContext): void {
  for (const event of ctx.all('bpmn:BoundaryEvent')) checkBoundaryEvent(ctx, event);
  for (const event of [...ctx.all('bpmn:IntermediateCatchEvent'), ...ctx.all('bpmn:IntermediateThrowEvent')]) {
    checkIntermediateEvent(ctx, event);
  }
  for (const definition of ctx.all('bpmn:LinkEventDefinition')) checkLink(ctx, definition);
}

function has(event: ModdleElement, type: string): boolean {
  return eventDefinitionsOf(event).some((d) => isA(d, type));
}

function incomingOf(ctx: RuleContext, node: ModdleElement): number {
  return Math.max(ctx.flowsTo(node).length, many(node, 'incoming').length);
}

function outgoingOf(ctx: RuleContext, node: ModdleElement): number {
  return Math.max(ctx.flowsFrom(node).length, many(node, 'outgoing').length);
}

function checkBoundaryEvent(ctx: RuleContext, event: ModdleElement): void {
  const compensation = has(event, 'bpmn:CompensateEventDefinition');
  if (incomingOf(ctx, event) > 0) {
    ctx.report({
      rule: 'EXT112',
      element: event,
      message: 'the boundary event has an incoming sequence flow; a boundary event is triggered while its activity runs, not reached by a flow.',
      fix: 'Remove the incoming sequence flow from the boundary event.',
    });
  }
  if (!compensation && outgoingOf(ctx, event) === 0) {
    ctx.report({
      rule: 'EXT113',
      element: event,
      message: 'the boundary event has no outgoing sequence flow, so nothing happens when it is triggered.',
      fix: 'Connect the boundary event to the activity, gateway or event that handles it.',
    });
  }
  if (compensation && outgoingOf(ctx, event) > 0) {
    ctx.report({
      rule: 'EXT114',
      element: event,
      message: 'the compensation boundary event has an outgoing sequence flow; compensation is connected to its handler by an association.',
      fix: 'Replace the sequence flow by an association to an activity marked isForCompensation="true".',
    });
  }
  if (compensation) checkCompensationHandler(ctx, event);
}

/**
 * EXT144: the activity associated with a compensation boundary event is marked for compensation.
 * The association of a compensation boundary event names its handler, so one to anything else
 * leaves the activity uncompensated; a text annotation is only a comment, unless it is all there is.
 */
function checkCompensationHandler(ctx: RuleContext, event: ModdleElement): void {
  const associations = ctx.all('bpmn:Association').filter((a) => one(a, 'sourceRef') === event);
  const hasHandler = associations.some((a) => isA(one(a, 'targetRef'), 'bpmn:Activity'));
  for (const association of associations) {
    const handler = one(association, 'targetRef');
    if (handler === undefined) continue;
    if (!isA(handler, 'bpmn:Activity')) {
      if (hasHandler && isA(handler, 'bpmn:TextAnnotation')) continue;
      ctx.report({
        rule: 'pipelane/compensation-handler',
        element: association,
        message: `the association connects compensation boundary event "${event.id ?? ''}" to ${nameOf(handler)}, which cannot compensate its activity; the association of a compensation boundary event names the activity that does.`,
        fix: isA(handler, 'bpmn:TextAnnotation')
          ? 'Add an association from the event to the activity that compensates its host, marked isForCompensation="true"; the annotation may stay beside it.'
          : 'Point the association at an activity marked isForCompensation="true" (the compensation handler).',
      });
      continue;
    }
    if (handler['isForCompensation'] === true) continue;
    ctx.report({
      rule: 'EXT144',
      element: handler,
      message: `the ${kindOf(handler)} handles compensation boundary event "${event.id}" but is not marked for compensation.`,
      fix: `Set isForCompensation="true" on the ${kindOf(handler)}.`,
    });
  }
}

function checkIntermediateEvent(ctx: RuleContext, event: ModdleElement): void {
  const link = has(event, 'bpmn:LinkEventDefinition');
  const catching = isA(event, 'bpmn:IntermediateCatchEvent');
  const incoming = incomingOf(ctx, event);
  const outgoing = outgoingOf(ctx, event);
  if (incoming === 0 && !(catching && link)) {
    ctx.report({
      rule: 'EXT115',
      element: event,
      message: `the ${kindOf(event)} has no incoming sequence flow, so it is never reached.`,
      fix: `Connect a sequence flow to the ${kindOf(event)}, or remove it.`,
    });
  }
  if (outgoing === 0 && !(!catching && link)) {
    ctx.report({
      rule: 'EXT116',
      element: event,
      message: `the ${kindOf(event)} has no outgoing sequence flow, so the path stops there.`,
      fix: `Connect the ${kindOf(event)} to the next element, or end the path with an end event.`,
    });
  }
  if (link && ((catching && incoming > 0) || (!catching && outgoing > 0))) {
    ctx.report({
      rule: 'EXT117',
      element: event,
      message: catching
        ? 'the link catch event has an incoming sequence flow; a link catch event is reached through its link, and only continues the flow.'
        : 'the link throw event has an outgoing sequence flow; a link throw event ends the path here and continues it at its target.',
      fix: catching ? 'Remove the incoming sequence flow.' : 'Remove the outgoing sequence flow.',
    });
  }
}

/**
 * Links the notation pairs by name: a throw and a catch link event with the same name on the same
 * level, which is how many modelers write them instead of source/target references.
 */
function pairedByName(ctx: RuleContext, definition: ModdleElement, counterpart: string): boolean {
  const event = definition.$parent;
  const name = text(definition, 'name') ?? (event === undefined ? undefined : text(event, 'name'));
  if (event === undefined || name === undefined || name === '') return false;
  return ctx.all(counterpart).some(
    (other) =>
      containerOf(other) === containerOf(event) &&
      many(other, 'eventDefinitions').some((d) => isA(d, 'bpmn:LinkEventDefinition') && (text(d, 'name') ?? text(other, 'name')) === name),
  );
}

/** EXT118, EXT124–EXT126: link throw and catch events pair up within one process level. */
function checkLink(ctx: RuleContext, definition: ModdleElement): void {
  const event = definition.$parent;
  if (event === undefined) return;
  if (
    isA(event, 'bpmn:IntermediateCatchEvent') &&
    many(definition, 'source').length === 0 &&
    !pairedByName(ctx, definition, 'bpmn:IntermediateThrowEvent')
  ) {
    ctx.report({
      rule: 'EXT124',
      element: event,
      message: 'the link catch event names no link throw event as its source, so nothing leads to it.',
      fix: 'Add a <source> naming the link event definition of the matching link throw event.',
    });
  }
  if (!isA(event, 'bpmn:IntermediateThrowEvent')) return;
  const target = one(definition, 'target');
  if (target === undefined) {
    if (pairedByName(ctx, definition, 'bpmn:IntermediateCatchEvent')) return;
    ctx.report({
      rule: 'EXT125',
      element: event,
      message: 'the link throw event names no target, so the path cannot continue.',
      fix: 'Add a <target> naming the link event definition of the matching link catch event.',
    });
    return;
  }
  if (isA(target, 'bpmn:LinkEventDefinition') && !many(target, 'source').includes(definition)) {
    ctx.report({
      rule: 'EXT118',
      element: event,
      message: `the link throw event targets link "${target.id}", which does not list "${definition.id}" among its sources.`,
      fix: `Add <source>${definition.id}</source> to link "${target.id}", or target the link that names this one.`,
    });
  }
  const targetEvent = target.$parent;
  if (isA(target, 'bpmn:LinkEventDefinition') && targetEvent !== undefined && containerOf(targetEvent) !== containerOf(event)) {
    ctx.report({
      rule: 'EXT126',
      element: event,
      message: `the link throw event targets ${kindOf(targetEvent)} "${targetEvent.id}", which is on another process level; links stay within one level.`,
      fix: 'Move the link catch event to the same process or sub-process as the throw event, or use a sequence flow.',
    });
  }
}
