import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { ancestorOfType, isA, kindOf, many } from './walk.js';
import { eventDefinitionsOf } from './event-definitions.js';

/** Start and end events: where flows may enter and leave, and that they come in pairs per level. */
export function checkStartAndEndEvents(ctx: RuleContext): void {
  for (const start of ctx.all('bpmn:StartEvent')) checkStartEvent(ctx, start);
  for (const end of ctx.all('bpmn:EndEvent')) checkEndEvent(ctx, end);
}

function siblingsOf(event: ModdleElement): ModdleElement[] {
  return event.$parent === undefined ? [] : many(event.$parent, 'flowElements');
}

function levelName(event: ModdleElement): string {
  return event.$parent === undefined ? 'its level' : kindOf(event.$parent);
}

function checkStartEvent(ctx: RuleContext, start: ModdleElement): void {
  if (ctx.flowsTo(start).length > 0 || many(start, 'incoming').length > 0) {
    ctx.report({
      rule: 'EXT096',
      element: start,
      message: 'the start event has an incoming sequence flow; a start event begins the flow and cannot be reached from inside it.',
      fix: 'Remove the incoming flow, or replace the start event by an intermediate event.',
    });
  }
  if (many(start, 'outgoing').length === 0) {
    const unlisted = ctx.flowsFrom(start).length > 0;
    ctx.report({
      // Unlisted but connected: the flow's sourceRef is enough to run it (see EXT023).
      ...(unlisted ? { severity: 'warning' as const } : {}),
      rule: 'EXT101',
      element: start,
      message: unlisted
        ? 'the start event does not list its outgoing sequence flow (no <outgoing> element).'
        : 'the start event has no outgoing sequence flow, so nothing happens after it.',
      fix: unlisted
        ? 'Add an <outgoing> element naming the sequence flow that starts at the event.'
        : 'Connect the start event to the first activity, gateway or event.',
    });
  }
  if (!siblingsOf(start).some((e) => isA(e, 'bpmn:EndEvent'))) {
    ctx.report({
      rule: 'EXT105',
      element: start,
      message: `the start event has no end event beside it in its ${levelName(start)}; where a start event begins the flow, the paths must end in end events.`,
      fix: `Add an end event to the ${levelName(start)} and connect the last element of each path to it.`,
    });
  }
}

function checkEndEvent(ctx: RuleContext, end: ModdleElement): void {
  if (ctx.flowsFrom(end).length > 0 || many(end, 'outgoing').length > 0) {
    ctx.report({
      rule: 'EXT104',
      element: end,
      message: 'the end event has an outgoing sequence flow; nothing can follow an end event.',
      fix: 'Remove the outgoing flow, or replace the end event by an intermediate throw event.',
    });
  }
  if (many(end, 'incoming').length === 0) {
    const unlisted = ctx.flowsTo(end).length > 0;
    ctx.report({
      ...(unlisted ? { severity: 'warning' as const } : {}),
      rule: 'EXT107',
      element: end,
      message: unlisted
        ? 'the end event does not list its incoming sequence flow (no <incoming> element).'
        : 'the end event has no incoming sequence flow, so it is never reached.',
      fix: unlisted ? 'Add an <incoming> element naming the sequence flow that ends at the event.' : 'Connect a sequence flow to the end event, or remove it.',
    });
  }
  if (!siblingsOf(end).some((e) => isA(e, 'bpmn:StartEvent'))) {
    ctx.report({
      rule: 'EXT097',
      element: end,
      message: `the end event has no start event beside it in its ${levelName(end)}; where end events are used, a start event must begin the flow.`,
      fix: `Add a start event to the ${levelName(end)} and connect it to the first element.`,
    });
  }
  const cancels = eventDefinitionsOf(end).some((d) => isA(d, 'bpmn:CancelEventDefinition'));
  if (cancels && ancestorOfType(end, ['bpmn:Transaction']) === undefined) {
    ctx.report({
      rule: 'EXT106',
      element: end,
      message: 'the cancel end event is not inside a transaction; only a transaction can be cancelled.',
      fix: 'Move the cancel end event into a transaction sub-process, or use a none or error end event.',
    });
  }
}
