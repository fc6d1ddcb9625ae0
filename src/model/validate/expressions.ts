import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { ancestorsOf, inExecutableProcess, isA, kindOf, one, processOf, text } from './walk.js';

/**
 * Expressions. BPMN distinguishes natural-language expressions (`<x>` with
 * text) from formal ones (`xsi:type="tFormalExpression"`, in a language).
 * An executable process needs formal ones that say something.
 */
export function checkExpressions(ctx: RuleContext): void {
  for (const expression of ctx.all('bpmn:Expression')) {
    if (isA(expression, 'bpmn:FormalExpression')) checkFormalExpression(ctx, expression);
    else checkNaturalLanguage(ctx, expression);
  }
  checkLanguages(ctx);
  for (const definition of ctx.all('bpmn:ConditionalEventDefinition')) checkEventCondition(ctx, definition);
}

/** The element a diagnostic about an expression names: the nearest one with an id. */
function ownerOf(expression: ModdleElement): ModdleElement {
  return ancestorsOf(expression).find((a) => a.id !== undefined) ?? expression.$parent ?? expression;
}

/** How the expression is used by its parent, in words: `conditionExpression` → `condition expression`. */
function roleOf(expression: ModdleElement): string {
  const parent = expression.$parent;
  const property = parent === undefined ? undefined : Object.keys(parent).find((k) => parent[k] === expression);
  return (property ?? 'expression').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function where(expression: ModdleElement): string {
  const owner = ownerOf(expression);
  const parent = expression.$parent;
  const via = parent !== undefined && parent !== owner ? ` of the ${kindOf(parent)}` : '';
  return `the ${roleOf(expression)}${via} of the ${kindOf(owner)}`;
}

/** Expressions outside any process (correlation properties, …) serve every process of the file. */
function mattersForExecution(expression: ModdleElement): boolean {
  return processOf(expression) === undefined || inExecutableProcess(expression);
}

/** EXT013: a formal expression has a body. */
function checkFormalExpression(ctx: RuleContext, expression: ModdleElement): void {
  if ((text(expression, 'body') ?? '').trim() !== '' || !mattersForExecution(expression)) return;
  // Camunda 7 keeps the body of a script condition in a file of the repository (camunda:resource).
  if (text(expression, 'resource') !== undefined) return;
  ctx.report({
    rule: 'EXT013',
    element: ownerOf(expression),
    message: `${where(expression)} is a formal expression without a body.`,
    fix: 'Write the expression between the tags, or remove the element.',
  });
}

/**
 * EXT012: an executable process does not use natural-language expressions.
 * Sequence-flow conditions are the exception Pipelane makes: modelers often
 * omit their xsi:type, and engines of the BPMN family (and Pipelane) read
 * them as formal expressions anyway, so there it is a warning.
 */
function checkNaturalLanguage(ctx: RuleContext, expression: ModdleElement): void {
  if (!inExecutableProcess(expression)) return;
  const condition = isA(expression.$parent, 'bpmn:SequenceFlow');
  ctx.report({
    rule: 'EXT012',
    severity: condition ? 'warning' : 'error',
    element: ownerOf(expression),
    message: `${where(expression)} is a natural-language expression (it has no xsi:type="tFormalExpression"), which an executable process cannot evaluate.`,
    fix: 'Add xsi:type="tFormalExpression" to the element and write the expression in FEEL, or set isExecutable="false" on the process.',
  });
}

/** A URI reference (RFC 3986): allowed characters only, and `%` always followed by two hex digits. */
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** EXT014: expression and type languages are given as URIs. */
function checkLanguages(ctx: RuleContext): void {
  const languages: [ModdleElement, string][] = [
    [ctx.definitions, 'expressionLanguage'],
    [ctx.definitions, 'typeLanguage'],
    ...ctx.all('bpmn:FormalExpression').map((e): [ModdleElement, string] => [e, 'language']),
  ];
  for (const [element, property] of languages) {
    const value = text(element, property);
    if (value === undefined || (value.trim() !== '' && URI_REFERENCE.test(value.trim()))) continue;
    const isDefinitions = element === ctx.definitions;
    ctx.report({
      rule: 'EXT014',
      element: isDefinitions ? element : ownerOf(element),
      message: `${isDefinitions ? 'the definitions' : where(element)} give${isDefinitions ? '' : 's'} the ${property} "${value}", which is not a URI.`,
      fix: `Name the language by its URI, for example "https://www.omg.org/spec/DMN/20191111/FEEL/" for FEEL.`,
    });
  }
}

/** EXT123: in an executable process, a conditional event has a formal condition. */
function checkEventCondition(ctx: RuleContext, definition: ModdleElement): void {
  if (!inExecutableProcess(definition)) return;
  const condition = one(definition, 'condition');
  if (condition !== undefined && isA(condition, 'bpmn:FormalExpression') && (text(condition, 'body') ?? '').trim() !== '') return;
  const event = definition.$parent ?? definition;
  ctx.report({
    rule: 'EXT123',
    element: event,
    message: `the conditional ${kindOf(event)} has ${condition === undefined ? 'no condition' : 'no formal condition with a body'}, so an executable process cannot tell when it occurs.`,
    fix: 'Give the conditional event definition a <condition xsi:type="tFormalExpression"> with the expression to watch.',
  });
}
