import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { itemOf, sameItem } from './data.js';
import { kindOf, many, one, text } from './walk.js';

const WEB_SERVICE = '##WebService';

/**
 * Service, send and receive tasks: the data they exchange must fit the
 * operation or message they name.
 */
export function checkMessaging(ctx: RuleContext): void {
  for (const task of ctx.all('bpmn:ServiceTask')) checkServiceTask(ctx, task);
  for (const task of ctx.all('bpmn:SendTask')) checkMessageTask(ctx, task, 'dataInputs', 'EXT047', 'EXT048', 'input');
  for (const task of ctx.all('bpmn:ReceiveTask')) {
    checkMessageTask(ctx, task, 'dataOutputs', 'EXT051', 'EXT052', 'output');
    checkSetCount(ctx, task, { binding: 'messageRef', sets: 'outputSets', rule: 'EXT050', bound: 'at most' });
  }
}

function specOf(task: ModdleElement): ModdleElement | undefined {
  return one(task, 'ioSpecification');
}

interface SetCount {
  binding: 'messageRef' | 'operationRef';
  sets: 'inputSets' | 'outputSets';
  rule: string;
  bound: 'exactly' | 'at most';
}

/** EXT042, EXT043, EXT050: how many input (output) sets a task bound to an operation (message) declares. */
function checkSetCount(ctx: RuleContext, task: ModdleElement, { binding, sets, rule, bound }: SetCount): void {
  if (one(task, binding) === undefined) return;
  const spec = specOf(task);
  const count = spec === undefined ? 0 : many(spec, sets).length;
  if (bound === 'exactly' ? count === 1 : count <= 1) return;
  const tag = sets === 'inputSets' ? 'inputSet' : 'outputSet';
  ctx.report({
    rule,
    element: task,
    message: `the ${kindOf(task)} declares ${count} <${tag}> elements; a ${kindOf(task)} bound to ${binding === 'messageRef' ? 'a message' : 'an operation'} has ${bound} one.`,
    fix: `Declare ${bound === 'exactly' ? 'exactly one' : 'a single'} <${tag}> in the task's ioSpecification.`,
  });
}

/**
 * EXT042–EXT045: a web-service task bound to an operation takes the operation's in-message and gives its
 * out-message. With another implementation (`implementation="…"` naming a technology), the operation only
 * documents the call and the task maps its data its own way.
 */
function checkServiceTask(ctx: RuleContext, task: ModdleElement): void {
  const operation = one(task, 'operationRef');
  const implementation = text(task, 'implementation') ?? WEB_SERVICE;
  if (operation === undefined || implementation !== WEB_SERVICE) return;
  checkSetCount(ctx, task, { binding: 'operationRef', sets: 'inputSets', rule: 'EXT042', bound: 'exactly' });
  checkSetCount(ctx, task, { binding: 'operationRef', sets: 'outputSets', rule: 'EXT043', bound: 'at most' });
  const spec = specOf(task);
  if (spec === undefined) return;
  for (const [data, messageProperty, rule, noun] of [
    ['dataInputs', 'inMessageRef', 'EXT044', 'input'],
    ['dataOutputs', 'outMessageRef', 'EXT045', 'output'],
  ] as const) {
    const message = one(operation, messageProperty);
    const expected = message === undefined ? undefined : one(message, 'itemRef');
    if (message === undefined || expected === undefined) continue;
    for (const datum of many(spec, data)) {
      if (sameItem(itemOf(datum), expected)) continue;
      ctx.report({
        rule,
        element: task,
        message: `the data ${noun} "${datum.id}" of the service task does not carry the item of the operation's ${noun === 'input' ? 'in' : 'out'}-message "${message.id}" ("${expected.id}").`,
        fix: `Give data ${noun} "${datum.id}" itemSubjectRef="${expected.id}" (or an item definition with the same structure).`,
      });
    }
  }
}

/** EXT047/EXT048 (send), EXT051/EXT052 (receive): one datum, carrying the message's item. */
function checkMessageTask(
  ctx: RuleContext,
  task: ModdleElement,
  data: 'dataInputs' | 'dataOutputs',
  countRule: string,
  itemRule: string,
  noun: string,
): void {
  const message = one(task, 'messageRef');
  const spec = specOf(task);
  if (message === undefined || spec === undefined) return;
  const declared = many(spec, data);
  if (declared.length > 1) {
    ctx.report({
      rule: countRule,
      element: task,
      message: `the ${kindOf(task)} has ${declared.length} data ${noun}s; a ${kindOf(task)} with a message has at most one, the message's content.`,
      fix: `Keep a single data ${noun} for the content of message "${message.id}".`,
    });
  }
  const expected = one(message, 'itemRef');
  if (expected === undefined) return;
  for (const datum of declared) {
    if (sameItem(itemOf(datum), expected)) continue;
    ctx.report({
      rule: itemRule,
      element: task,
      message: `the data ${noun} "${datum.id}" of the ${kindOf(task)} does not carry the item of message "${message.id}" ("${expected.id}").`,
      fix: `Give data ${noun} "${datum.id}" itemSubjectRef="${expected.id}" (or an item definition with the same structure).`,
    });
  }
}
