import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isA, isAny, kindOf, many, nameOf, one, text } from './walk.js';

/** Gateways: how many flows they join and split, and what an event-based gateway may wait for. */
export function checkGateways(ctx: RuleContext): void {
  for (const gateway of ctx.all('bpmn:Gateway')) {
    checkDirection(ctx, gateway);
    checkSplitsOrJoins(ctx, gateway);
  }
  for (const gateway of ctx.all('bpmn:EventBasedGateway')) checkEventBasedGateway(ctx, gateway);
}

/** EXT017–EXT019: the declared gatewayDirection matches the flows. */
function checkDirection(ctx: RuleContext, gateway: ModdleElement): void {
  const incoming = ctx.flowsTo(gateway).length;
  const outgoing = ctx.flowsFrom(gateway).length;
  const kind = kindOf(gateway);
  switch (text(gateway, 'gatewayDirection')) {
    case 'Converging':
      if (outgoing > 1) {
        ctx.report({
          rule: 'EXT017',
          element: gateway,
          message: `the ${kind} is declared converging but has ${outgoing} outgoing sequence flows; a converging gateway has at most one.`,
          fix: 'Set gatewayDirection to "Mixed" or "Unspecified", or split the flows with a second gateway.',
        });
      }
      break;
    case 'Diverging':
      if (incoming > 1) {
        ctx.report({
          rule: 'EXT018',
          element: gateway,
          message: `the ${kind} is declared diverging but has ${incoming} incoming sequence flows; a diverging gateway has at most one.`,
          fix: 'Set gatewayDirection to "Mixed" or "Unspecified", or join the flows with a gateway in front of it.',
        });
      }
      break;
    case 'Mixed':
      if (incoming < 2 || outgoing < 2) {
        ctx.report({
          rule: 'EXT019',
          element: gateway,
          message: `the ${kind} is declared mixed but has ${incoming} incoming and ${outgoing} outgoing sequence flows; a mixed gateway has several of both.`,
          fix: 'Set gatewayDirection to "Converging", "Diverging" or "Unspecified" to match the flows.',
        });
      }
      break;
    default:
      break;
  }
}

/** EXT135: a gateway either joins (several incoming flows) or splits (several outgoing flows). */
function checkSplitsOrJoins(ctx: RuleContext, gateway: ModdleElement): void {
  if (ctx.flowsTo(gateway).length > 1 || ctx.flowsFrom(gateway).length > 1) return;
  ctx.report({
    rule: 'EXT135',
    element: gateway,
    message: `the ${kindOf(gateway)} neither joins nor splits: it has ${ctx.flowsTo(gateway).length} incoming and ${ctx.flowsFrom(gateway).length} outgoing sequence flows.`,
    fix: 'Give the gateway several outgoing flows (a split) or several incoming flows (a join), or remove it.',
  });
}

const WAITABLE_DEFINITIONS = [
  'bpmn:MessageEventDefinition',
  'bpmn:SignalEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:ConditionalEventDefinition',
];

/** EXT136–EXT142: an event-based gateway waits for two or more events and nothing else. */
function checkEventBasedGateway(ctx: RuleContext, gateway: ModdleElement): void {
  const outgoing = ctx.flowsFrom(gateway);
  if (outgoing.length < 2) {
    ctx.report({
      rule: 'EXT136',
      element: gateway,
      message: `the event-based gateway has ${outgoing.length} outgoing sequence flow(s); it needs two or more events to choose between.`,
      fix: 'Connect the gateway to at least two intermediate catch events or receive tasks.',
    });
  }
  if (gateway['instantiate'] === true && ctx.flowsTo(gateway).length > 0) {
    ctx.report({
      rule: 'EXT142',
      element: gateway,
      message: 'the event-based gateway starts the process (instantiate="true") but has incoming sequence flows.',
      fix: 'Remove the incoming flows, or set instantiate="false".',
    });
  }
  const targets = outgoing.map((f) => one(f, 'targetRef')).filter((t): t is ModdleElement => t !== undefined);
  for (const flow of outgoing) {
    if (one(flow, 'conditionExpression') === undefined) continue;
    ctx.report({
      rule: 'EXT137',
      element: flow,
      message: 'the sequence flow leaves an event-based gateway and has a condition; the event that occurs first decides, not a condition.',
      fix: 'Remove the condition expression from the flow.',
    });
  }
  for (const target of targets) checkWaitable(ctx, gateway, target);
  const receiveTasks = targets.filter((t) => isA(t, 'bpmn:ReceiveTask'));
  const messageEvents = targets.filter((t) => isA(t, 'bpmn:IntermediateCatchEvent') && hasDefinition(t, 'bpmn:MessageEventDefinition'));
  if (receiveTasks.length > 0 && messageEvents.length > 0) {
    ctx.report({
      rule: 'EXT139',
      element: gateway,
      message: `the event-based gateway waits both for message events (${messageEvents.map((e) => `"${e.id}"`).join(', ')}) and for receive tasks (${receiveTasks.map((e) => `"${e.id}"`).join(', ')}); use one or the other.`,
      fix: 'Replace the receive tasks by message intermediate catch events, or the other way round.',
    });
  }
  for (const task of receiveTasks) {
    if (!ctx.all('bpmn:BoundaryEvent').some((b) => one(b, 'attachedToRef') === task)) continue;
    ctx.report({
      rule: 'EXT140',
      element: task,
      message: 'the receive task follows an event-based gateway but has boundary events attached.',
      fix: 'Remove the boundary events, or move the receive task out of the event-based gateway.',
    });
  }
}

function hasDefinition(event: ModdleElement, type: string): boolean {
  return many(event, 'eventDefinitions').some((d) => isA(d, type)) || many(event, 'eventDefinitionRef').some((d) => isA(d, type));
}

function checkWaitable(ctx: RuleContext, gateway: ModdleElement, target: ModdleElement): void {
  const definitions = [...many(target, 'eventDefinitions'), ...many(target, 'eventDefinitionRef')];
  const waitable =
    isA(target, 'bpmn:ReceiveTask') ||
    (isA(target, 'bpmn:IntermediateCatchEvent') && definitions.length > 0 && definitions.every((d) => isAny(d, WAITABLE_DEFINITIONS)));
  if (!waitable) {
    ctx.report({
      rule: 'EXT138',
      element: target,
      message: `the ${kindOf(target)} follows event-based gateway "${gateway.id}", which may only lead to receive tasks or to message, signal, timer or conditional intermediate catch events.`,
      fix: `Replace ${nameOf(target)} by an intermediate catch event of one of those kinds or by a receive task.`,
    });
  }
  const others = ctx.flowsTo(target).filter((f) => one(f, 'sourceRef') !== gateway);
  if (others.length > 0) {
    ctx.report({
      rule: 'EXT141',
      element: target,
      message: `the ${kindOf(target)} follows event-based gateway "${gateway.id}" but is also reached by ${others.map((f) => `"${f.id}"`).join(', ')}.`,
      fix: 'Let the event-based gateway be the only way into the element, or join the other flows before the gateway.',
    });
  }
}
