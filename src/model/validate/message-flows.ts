import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { eventDefinitionsOf } from './event-definitions.js';
import { containerOf, isA, kindOf, nameOf, one, processOf } from './walk.js';

/** Message flows: they join different pools, and events take part in them according to their kind. */
export function checkMessageFlows(ctx: RuleContext): void {
  for (const flow of ctx.all('bpmn:MessageFlow')) {
    const source = one(flow, 'sourceRef');
    const target = one(flow, 'targetRef');
    if (source === undefined || target === undefined) continue;
    checkPools(ctx, flow, source, target);
    checkEnd(ctx, flow, source, 'source');
    checkEnd(ctx, flow, target, 'target');
  }
}

/** The pool an element is drawn in: the participant itself, or the participant of its process. */
function poolOf(ctx: RuleContext, element: ModdleElement): ModdleElement | undefined {
  if (isA(element, 'bpmn:Participant')) return element;
  const process = processOf(element);
  return process === undefined ? undefined : ctx.all('bpmn:Participant').find((p) => one(p, 'processRef') === process);
}

/** EXT031: a message flow connects two different pools. */
function checkPools(ctx: RuleContext, flow: ModdleElement, source: ModdleElement, target: ModdleElement): void {
  if (isA(containerOf(flow), 'bpmn:Choreography') && source !== target) return;
  const sourcePool = poolOf(ctx, source);
  const targetPool = poolOf(ctx, target);
  const sameProcess = processOf(source) !== undefined && processOf(source) === processOf(target);
  const samePool = source === target || sameProcess || (sourcePool !== undefined && sourcePool === targetPool);
  if (!samePool) return;
  ctx.report({
    rule: 'EXT031',
    element: flow,
    message:
      source === target
        ? `the message flow starts and ends at ${nameOf(source)}; a message flow connects two different pools.`
        : `the message flow connects ${nameOf(source)} and ${nameOf(target)}, which are in the same pool; a message flow connects two different pools.`,
    fix: 'Connect elements of two different pools with the message flow, and use a sequence flow inside a pool.',
  });
}

function hasMessageTrigger(event: ModdleElement): boolean {
  return eventDefinitionsOf(event).some((d) => isA(d, 'bpmn:MessageEventDefinition'));
}

/** EXT102, EXT103, EXT108, EXT109, EXT119: which events may send and which may receive a message flow. */
function checkEnd(ctx: RuleContext, flow: ModdleElement, event: ModdleElement, role: 'source' | 'target'): void {
  const problem = problemOf(event, role);
  if (problem === undefined) return;
  // A missing trigger is a flaw of the event; a wrong direction is a flaw of the flow.
  const element = problem.rule === 'EXT103' || problem.rule === 'EXT109' ? event : flow;
  ctx.report({ rule: problem.rule, element, message: problem.message, fix: problem.fix });
}

interface Problem {
  rule: string;
  message: string;
  fix: string;
}

function problemOf(event: ModdleElement, role: 'source' | 'target'): Problem | undefined {
  const kind = kindOf(event);
  if (isA(event, 'bpmn:StartEvent') && role === 'source') {
    return { rule: 'EXT102', message: `the message flow starts at ${nameOf(event)}; a start event receives messages, it cannot send them.`, fix: 'Start the message flow at a task or a throwing event.' };
  }
  if (isA(event, 'bpmn:StartEvent') && !hasMessageTrigger(event)) {
    return { rule: 'EXT103', message: `the message flow ends at ${nameOf(event)}, which has no message event definition to receive it.`, fix: `Add a <messageEventDefinition> to ${nameOf(event)}.` };
  }
  if (isA(event, 'bpmn:EndEvent') && role === 'target') {
    return { rule: 'EXT108', message: `the message flow ends at ${nameOf(event)}; an end event sends messages, it cannot receive them.`, fix: 'End the message flow at a task or a catching event.' };
  }
  if (isA(event, 'bpmn:EndEvent') && !hasMessageTrigger(event)) {
    return { rule: 'EXT109', message: `the message flow starts at ${nameOf(event)}, which has no message event definition to send it.`, fix: `Add a <messageEventDefinition> to ${nameOf(event)}.` };
  }
  if (isA(event, 'bpmn:IntermediateThrowEvent') && hasMessageTrigger(event) && role === 'target') {
    return { rule: 'EXT119', message: `the message flow ends at ${nameOf(event)}, a ${kind} that sends messages and cannot receive them.`, fix: 'End the message flow at a message catch event or a receive task.' };
  }
  if (isA(event, 'bpmn:IntermediateCatchEvent') && hasMessageTrigger(event) && role === 'source') {
    return { rule: 'EXT119', message: `the message flow starts at ${nameOf(event)}, a ${kind} that receives messages and cannot send them.`, fix: 'Start the message flow at a message throw event or a send task.' };
  }
  return undefined;
}
