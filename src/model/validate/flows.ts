import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import {
  containerOf,
  flag,
  inExecutableProcess,
  isA,
  isAny,
  kindOf,
  many,
  nameOf,
  one,
  processOf,
} from './walk.js';

/** Sequence flows: what they may connect, and how the nodes they connect must list them. */
export function checkFlows(ctx: RuleContext): void {
  const flows = ctx.all('bpmn:SequenceFlow');
  for (const flow of flows) {
    checkEnds(ctx, flow);
    checkListedByEnds(ctx, flow);
    checkBoundaries(ctx, flow);
    checkImmediate(ctx, flow);
  }
  checkListedFlows(ctx);
  checkConditionalOnlyFlow(ctx);
  checkDefaultFlows(ctx);
  checkCompleteness(ctx);
}

const CONNECTABLE = ['bpmn:Activity', 'bpmn:Gateway', 'bpmn:Event'];

function isEventSubProcess(element: ModdleElement | undefined): boolean {
  return isA(element, 'bpmn:SubProcess') && element?.['triggeredByEvent'] === true;
}

/** EXT021, EXT022: in a process, only activities, gateways and events (not event sub-processes) are connected. */
function checkEnds(ctx: RuleContext, flow: ModdleElement): void {
  if (isAny(containerOf(flow), ['bpmn:Choreography', 'bpmn:SubChoreography'])) return;
  for (const [end, rule, role] of [
    [one(flow, 'sourceRef'), 'EXT021', 'source'],
    [one(flow, 'targetRef'), 'EXT022', 'target'],
  ] as const) {
    if (end === undefined) continue;
    if (isAny(end, CONNECTABLE) && !isEventSubProcess(end)) continue;
    ctx.report({
      rule,
      element: flow,
      message: `the sequence flow has ${nameOf(end)} as its ${role}; only activities, gateways and events (but not event sub-processes) can be connected by sequence flows.`,
      fix: isEventSubProcess(end)
        ? 'Remove the sequence flow: an event sub-process is started by its start event, not by the flow.'
        : `Connect the sequence flow to an activity, gateway or event, or use an association for ${nameOf(end)}.`,
    });
  }
}

/**
 * EXT023: the nodes a flow connects should list it as outgoing / incoming.
 * A missing listing is only a warning: the flow's sourceRef and targetRef
 * say all the engine needs, and hand-written or generated models often omit
 * the lists. Listing a flow that starts or ends elsewhere is an error.
 */
function checkListedByEnds(ctx: RuleContext, flow: ModdleElement): void {
  for (const [end, list] of [
    [one(flow, 'sourceRef'), 'outgoing'],
    [one(flow, 'targetRef'), 'incoming'],
  ] as const) {
    if (end === undefined || !isA(end, 'bpmn:FlowNode')) continue;
    if (many(end, list).includes(flow)) continue;
    ctx.report({
      severity: 'warning',
      rule: 'EXT023',
      element: end,
      message: `the ${kindOf(end)} does not list sequence flow "${flow.id}" as ${list}, although the flow ${list === 'outgoing' ? 'starts' : 'ends'} there.`,
      fix: `Add <${list}>${flow.id}</${list}> to the ${kindOf(end)} (a modeler does this when the flow is reconnected).`,
    });
  }
}

/** EXT023, the other direction: a node must not list flows that do not start / end at it. */
function checkListedFlows(ctx: RuleContext): void {
  for (const node of ctx.all('bpmn:FlowNode')) {
    for (const [list, end] of [
      ['outgoing', 'sourceRef'],
      ['incoming', 'targetRef'],
    ] as const) {
      for (const flow of new Set(many(node, list))) {
        if (!isA(flow, 'bpmn:SequenceFlow') || one(flow, end) === node) continue;
        ctx.report({
          rule: 'EXT023',
          element: node,
          message: `the ${kindOf(node)} lists sequence flow "${flow.id}" as ${list}, but that flow ${end === 'sourceRef' ? 'starts' : 'ends'} elsewhere.`,
          fix: `Remove <${list}>${flow.id}</${list}> from the ${kindOf(node)} or reconnect the flow.`,
        });
      }
    }
  }
}

/** EXT028, EXT152: a sequence flow stays inside one pool and one (sub-)process level. */
function checkBoundaries(ctx: RuleContext, flow: ModdleElement): void {
  const source = one(flow, 'sourceRef');
  const target = one(flow, 'targetRef');
  if (source === undefined || target === undefined) return;
  if (containerOf(source) === containerOf(target) && containerOf(source) === containerOf(flow)) return;
  const crossesPool = processOf(source) !== processOf(target);
  ctx.report({
    rule: crossesPool ? 'EXT028' : 'EXT152',
    element: flow,
    message: crossesPool
      ? `the sequence flow connects ${nameOf(source)} and ${nameOf(target)}, which belong to different pools (processes).`
      : `the sequence flow connects ${nameOf(source)} and ${nameOf(target)} across the boundary of a sub-process.`,
    fix: crossesPool
      ? 'Use a message flow between pools; a sequence flow stays inside one process.'
      : 'Connect elements of the same level: flows into a sub-process end at the sub-process itself and start again at its start event.',
  });
}

/**
 * EXT024: the specification forbids isImmediate="false" in executable processes. Some modelers write it
 * on every flow, and Pipelane moves tokens immediately whatever it says, so this only warns.
 */
function checkImmediate(ctx: RuleContext, flow: ModdleElement): void {
  if (flag(flow, 'isImmediate') !== false || !inExecutableProcess(flow)) return;
  ctx.report({
    rule: 'EXT024',
    severity: 'warning',
    element: flow,
    message: 'the sequence flow sets isImmediate="false" in an executable process; Pipelane moves the token immediately anyway.',
    fix: 'Remove the isImmediate attribute or set it to "true".',
  });
}

/** EXT025: a single outgoing flow of an activity must not be conditional. */
function checkConditionalOnlyFlow(ctx: RuleContext): void {
  for (const activity of ctx.all('bpmn:Activity')) {
    const leaving = ctx.flowsFrom(activity);
    const [only] = leaving;
    if (leaving.length !== 1 || only === undefined || one(only, 'conditionExpression') === undefined) continue;
    ctx.report({
      rule: 'EXT025',
      element: only,
      message: `the sequence flow is the only flow leaving ${nameOf(activity)} and has a condition; when the condition is false the token is stuck.`,
      fix: 'Remove the condition, or add a second outgoing flow (for example a default flow) for the other case.',
    });
  }
}

/** EXT026: a default flow must start at the element that names it. */
function checkDefaultFlows(ctx: RuleContext): void {
  for (const element of [...ctx.all('bpmn:Activity'), ...ctx.all('bpmn:Gateway')]) {
    const flow = one(element, 'default');
    if (flow === undefined || !isA(flow, 'bpmn:SequenceFlow') || one(flow, 'sourceRef') === element) continue;
    ctx.report({
      rule: 'EXT026',
      element,
      message: `the ${kindOf(element)} names sequence flow "${flow.id}" as its default flow, but that flow does not start at it.`,
      fix: `Choose one of the ${kindOf(element)}'s outgoing flows as default, or remove the default attribute.`,
    });
  }
}

/**
 * EXT150, EXT151: where a level has start (end) events, every flow node on it
 * must have an incoming (outgoing) flow, so nothing is unreachable or a dead end.
 */
function checkCompleteness(ctx: RuleContext): void {
  for (const container of ctx.all('bpmn:FlowElementsContainer')) {
    const nodes = many(container, 'flowElements').filter((e) => isA(e, 'bpmn:FlowNode'));
    const usesStart = nodes.some((n) => isA(n, 'bpmn:StartEvent'));
    const usesEnd = nodes.some((n) => isA(n, 'bpmn:EndEvent'));
    for (const node of nodes) {
      if (isExemptFromFlow(node)) continue;
      if (usesStart && ctx.flowsTo(node).length === 0 && needsIncoming(node)) {
        ctx.report({
          rule: 'EXT150',
          element: node,
          message: `the ${kindOf(node)} has no incoming sequence flow, so it is never reached: its level starts with a start event.`,
          fix: `Connect a sequence flow to the ${kindOf(node)}, or remove it.`,
        });
      }
      if (usesEnd && ctx.flowsFrom(node).length === 0 && needsOutgoing(node)) {
        ctx.report({
          rule: 'EXT151',
          element: node,
          message: `the ${kindOf(node)} has no outgoing sequence flow, although its level ends with end events.`,
          fix: `Connect the ${kindOf(node)} to the next element or to an end event.`,
        });
      }
    }
  }
}

function isExemptFromFlow(node: ModdleElement): boolean {
  return (
    isEventSubProcess(node) ||
    isA(node, 'bpmn:BoundaryEvent') ||
    (isA(node, 'bpmn:Activity') && node['isForCompensation'] === true)
  );
}

function hasLink(node: ModdleElement): boolean {
  return many(node, 'eventDefinitions').some((d) => isA(d, 'bpmn:LinkEventDefinition'));
}

function needsIncoming(node: ModdleElement): boolean {
  if (isAny(node, ['bpmn:StartEvent', 'bpmn:EndEvent'])) return false;
  if (isA(node, 'bpmn:IntermediateCatchEvent') && hasLink(node)) return false;
  if (isAny(node, ['bpmn:EventBasedGateway', 'bpmn:ReceiveTask']) && node['instantiate'] === true) return false;
  return true;
}

function needsOutgoing(node: ModdleElement): boolean {
  if (isA(node, 'bpmn:EndEvent')) return false;
  if (isA(node, 'bpmn:IntermediateThrowEvent') && hasLink(node)) return false;
  return true;
}
