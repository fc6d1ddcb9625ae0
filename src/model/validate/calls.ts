import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { itemOf, sameItem } from './data.js';
import { eventDefinitionsOf } from './event-definitions.js';
import { isA, kindOf, many, nameOf, one, text } from './walk.js';

/** Call activities and the callable elements (processes, global tasks) they call or expose as services. */
export function checkCallActivities(ctx: RuleContext): void {
  for (const call of ctx.all('bpmn:CallActivity')) {
    const callee = calleeOf(ctx, call);
    if (callee === undefined) continue;
    checkDataRequirements(ctx, call, callee);
    checkNoneStart(ctx, call, callee);
  }
  for (const callable of ctx.all('bpmn:CallableElement')) checkServiceBindings(ctx, callable);
}

/** The called element when it is in this file (calledElement is a plain id here, or a key of another file). */
function calleeOf(ctx: RuleContext, call: ModdleElement): ModdleElement | undefined {
  const id = text(call, 'calledElement');
  const callee = id === undefined ? undefined : ctx.byId(id);
  return isA(callee, 'bpmn:CallableElement') ? callee : undefined;
}

const PARTS = [
  ['dataInputs', 'data input'],
  ['dataOutputs', 'data output'],
  ['inputSets', 'input set'],
  ['outputSets', 'output set'],
] as const;

/** EXT063: the call activity's inputs and outputs match those of the element it calls, one for one. */
function checkDataRequirements(ctx: RuleContext, call: ModdleElement, callee: ModdleElement): void {
  const own = one(call, 'ioSpecification');
  const theirs = one(callee, 'ioSpecification');
  // A called element without an ioSpecification declares no data requirements to match.
  if (theirs === undefined) return;
  for (const [property, noun] of PARTS) {
    const mine = own === undefined ? [] : many(own, property);
    const needed = many(theirs, property);
    if (mine.length !== needed.length) {
      ctx.report({
        rule: 'EXT063',
        element: call,
        message: `the call activity declares ${mine.length} ${noun}(s) but the ${nameOf(callee)} it calls declares ${needed.length}; they must match one for one.`,
        fix: `Give the call activity's ioSpecification the same ${noun}s as ${nameOf(callee)}.`,
      });
      continue;
    }
    mine.forEach((datum, index) => {
      const counterpart = needed[index];
      if (counterpart === undefined || property.endsWith('Sets')) return;
      const a = itemOf(datum);
      const b = itemOf(counterpart);
      if (a === undefined || b === undefined || sameItem(a, b)) return;
      ctx.report({
        rule: 'EXT063',
        element: call,
        message: `the ${noun} "${datum.id}" of the call activity carries item "${a.id}", but its counterpart "${counterpart.id}" in ${nameOf(callee)} carries "${b.id}".`,
        fix: `Use item definitions of the same structure for "${datum.id}" and "${counterpart.id}".`,
      });
    });
  }
}

/** EXT099: a called process can be started plainly, so it has a start event without trigger. */
function checkNoneStart(ctx: RuleContext, call: ModdleElement, callee: ModdleElement): void {
  if (!isA(callee, 'bpmn:Process')) return;
  const starts = many(callee, 'flowElements').filter((e) => isA(e, 'bpmn:StartEvent'));
  if (starts.some((s) => eventDefinitionsOf(s).length === 0)) return;
  ctx.report({
    rule: 'EXT099',
    element: callee,
    message: `the process is called by call activity "${call.id}" but has no none start event (one without trigger) where the call can begin.`,
    fix: 'Add a start event without event definition to the process.',
  });
}

/** EXT064, EXT065: a callable element exposed as a service binds its data to the interface's operations. */
function checkServiceBindings(ctx: RuleContext, callable: ModdleElement): void {
  const interfaces = many(callable, 'supportedInterfaceRef');
  if (interfaces.length === 0) return;
  const bindings = many(callable, 'ioBinding');
  if (bindings.length === 0) {
    ctx.report({
      rule: 'EXT064',
      element: callable,
      message: `the ${kindOf(callable)} supports interface ${interfaces.map((i) => `"${i.id}"`).join(', ')} but binds none of its data to an operation (no ioBinding).`,
      fix: 'Add an <ioBinding> naming the operation and the data input and output it uses.',
    });
  }
  const spec = one(callable, 'ioSpecification');
  const inputs = spec === undefined ? [] : many(spec, 'dataInputs');
  const outputs = spec === undefined ? [] : many(spec, 'dataOutputs');
  const operations = interfaces.flatMap((i) => many(i, 'operations'));
  for (const binding of bindings) {
    const operation = one(binding, 'operationRef');
    const input = one(binding, 'inputDataRef');
    const output = one(binding, 'outputDataRef');
    const problems: string[] = [];
    if (operation === undefined || !operations.includes(operation)) problems.push('its operation is not one of the supported interfaces');
    if (input === undefined || !inputs.includes(input)) problems.push('its inputDataRef is not a data input of the element');
    if (output === undefined || !outputs.includes(output)) problems.push('its outputDataRef is not a data output of the element');
    if (operation !== undefined && input !== undefined) {
      const item = messageItem(operation, 'inMessageRef');
      if (item !== undefined && !sameItem(itemOf(input), item)) problems.push(`data input "${input.id}" does not carry the item of the operation's in-message`);
    }
    if (operation !== undefined && output !== undefined) {
      const item = messageItem(operation, 'outMessageRef');
      if (item !== undefined && !sameItem(itemOf(output), item)) problems.push(`data output "${output.id}" does not carry the item of the operation's out-message`);
    }
    if (problems.length === 0) continue;
    ctx.report({
      rule: 'EXT065',
      element: callable,
      message: `an ioBinding of the ${kindOf(callable)} does not fit its operation: ${problems.join('; ')}.`,
      fix: 'Bind a data input and a data output of the element whose item definitions match the operation\'s in- and out-messages.',
    });
  }
}

function messageItem(operation: ModdleElement, property: 'inMessageRef' | 'outMessageRef'): ModdleElement | undefined {
  const message = one(operation, property);
  return message === undefined ? undefined : one(message, 'itemRef');
}
