import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { itemOf, sameItem } from './data.js';
import { eventDefinitionsOf, triggerOf } from './event-definitions.js';
import { inExecutableProcess, isA, isAny, kindOf, many, one, text } from './walk.js';

/** What events carry: messages, escalations, and the data inputs/outputs bound to their triggers. */
export function checkEventData(ctx: RuleContext): void {
  for (const event of ctx.all('bpmn:Event')) {
    checkEscalationCode(ctx, event);
    checkDataPerTrigger(ctx, event);
  }
  for (const definition of ctx.all('bpmn:MessageEventDefinition')) checkMessageBinding(ctx, definition);
}

/** EXT011: in an executable process, a thrown escalation names an escalation with a code. */
function checkEscalationCode(ctx: RuleContext, event: ModdleElement): void {
  if (!isAny(event, ['bpmn:EndEvent', 'bpmn:IntermediateThrowEvent']) || !inExecutableProcess(event)) return;
  for (const definition of eventDefinitionsOf(event).filter((d) => isA(d, 'bpmn:EscalationEventDefinition'))) {
    const escalation = one(definition, 'escalationRef');
    if (escalation !== undefined && (text(escalation, 'escalationCode') ?? '') !== '') continue;
    ctx.report({
      rule: 'EXT011',
      element: event,
      message:
        escalation === undefined
          ? `the ${kindOf(event)} throws an escalation but names none (no escalationRef), so no handler can catch it.`
          : `the ${kindOf(event)} throws escalation "${escalation.id}", which has no escalationCode, so no handler can catch it.`,
      fix:
        escalation === undefined
          ? 'Declare an <escalation> with an escalationCode and refer to it with escalationRef.'
          : `Give escalation "${escalation.id}" an escalationCode.`,
    });
  }
}

/** The item definition a trigger carries (a message's item, a signal's or error's structure). */
function triggerItem(definition: ModdleElement): ModdleElement | undefined {
  const carrier =
    one(definition, 'messageRef') ?? one(definition, 'signalRef') ?? one(definition, 'errorRef') ?? one(definition, 'escalationRef');
  if (carrier === undefined) return undefined;
  return one(carrier, 'itemRef') ?? one(carrier, 'structureRef');
}

/** EXT093, EXT094: data inputs (outputs) of an event come one per trigger, with the trigger's item. */
function checkDataPerTrigger(ctx: RuleContext, event: ModdleElement): void {
  const catching = isA(event, 'bpmn:CatchEvent');
  const data = many(event, catching ? 'dataOutputs' : 'dataInputs');
  if (data.length === 0) return;
  const definitions = eventDefinitionsOf(event);
  const noun = catching ? 'data output' : 'data input';
  if (data.length < definitions.length) {
    ctx.report({
      rule: 'EXT093',
      element: event,
      message: `the ${kindOf(event)} has ${definitions.length} event definitions but only ${data.length} ${noun}(s); once data is used, each event definition needs its own ${noun}.`,
      fix: `Declare exactly one ${noun} per event definition, in the same order.`,
    });
  }
  definitions.forEach((definition, index) => {
    const expected = triggerItem(definition);
    const datum = data[index];
    if (expected === undefined || datum === undefined || sameItem(expected, itemOf(datum))) return;
    ctx.report({
      rule: 'EXT094',
      element: event,
      message: `the ${noun} "${datum.id}" of the ${kindOf(event)} has a different item definition than its ${triggerOf(definition)} trigger ("${expected.id}").`,
      fix: `Give ${noun} "${datum.id}" itemSubjectRef="${expected.id}" (or an item definition with the same structure).`,
    });
  });
}

/** Engine extensions that implement a message throw in code, so the event needs no message of its own. */
function implementedByEngine(event: ModdleElement, definition: ModdleElement): boolean {
  if (!isA(event, 'bpmn:ThrowEvent')) return false;
  const camunda = ['class', 'expression', 'delegateExpression', 'type'].some((p) => text(definition, p) !== undefined);
  const extensions = [...extensionValues(event), ...extensionValues(definition)];
  return camunda || extensions.some((v) => v.$type === 'zeebe:TaskDefinition' || v.$type === 'camunda:Connector');
}

function extensionValues(element: ModdleElement): ModdleElement[] {
  const extensions = one(element, 'extensionElements');
  return extensions === undefined ? [] : many(extensions, 'values');
}

/** EXT127, EXT128: in an executable process a message event names its message (and, with interfaces, its operation). */
function checkMessageBinding(ctx: RuleContext, definition: ModdleElement): void {
  const event = definition.$parent;
  if (event === undefined || !isA(event, 'bpmn:Event') || !inExecutableProcess(event)) return;
  if (one(definition, 'messageRef') === undefined && !implementedByEngine(event, definition)) {
    ctx.report({
      rule: 'EXT127',
      element: event,
      message: `the message ${kindOf(event)} names no message (messageRef), so an executable process cannot tell which message it ${isA(event, 'bpmn:CatchEvent') ? 'waits for' : 'sends'}.`,
      fix: 'Declare a <message> and refer to it with messageRef on the message event definition.',
    });
  }
  // The specification also asks executable processes for an operationRef. Pipelane correlates messages by
  // name, never by operation, so this only warns, and only in files that declare operations at all.
  if (one(definition, 'operationRef') === undefined && ctx.all('bpmn:Operation').length > 0) {
    ctx.report({
      rule: 'EXT128',
      severity: 'warning',
      element: event,
      message: `the message ${kindOf(event)} names no operation (operationRef) although the file declares service operations.`,
      fix: 'Add an <operationRef> to the message event definition, naming the operation that sends or receives the message.',
    });
  }
}
