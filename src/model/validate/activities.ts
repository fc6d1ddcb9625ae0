import type { ModdleElement } from 'bpmn-moddle';
import { isMimeType } from './artifacts.js';
import type { RuleContext } from './context.js';
import { inExecutableProcess, isA, kindOf, many, numeric, one, text } from './walk.js';

/** Activities: quantities, loop markers, scripts and resource assignments. */
export function checkActivities(ctx: RuleContext): void {
  for (const activity of ctx.all('bpmn:Activity')) {
    checkQuantities(ctx, activity);
    checkLoopMarkers(ctx, activity);
  }
  for (const loop of ctx.all('bpmn:MultiInstanceLoopCharacteristics')) checkMultiInstance(ctx, loop);
  for (const task of ctx.all('bpmn:ScriptTask')) checkScript(ctx, task);
  for (const role of ctx.all('bpmn:ResourceRole')) checkResourceRole(ctx, role);
}

/** EXT037, EXT038: an activity starts and completes with at least one token. */
function checkQuantities(ctx: RuleContext, activity: ModdleElement): void {
  for (const [property, rule, what] of [
    ['startQuantity', 'EXT037', 'tokens needed to start it'],
    ['completionQuantity', 'EXT038', 'tokens it produces on completion'],
  ] as const) {
    const value = numeric(activity, property);
    if (value === undefined || value >= 1) continue;
    ctx.report({
      rule,
      element: activity,
      message: `the ${kindOf(activity)} sets ${property}="${value}", the number of ${what}; it must be at least 1.`,
      fix: `Set ${property} to 1 (the default) or more.`,
    });
  }
}

/**
 * EXT041 (tasks), EXT054 (sub-processes), EXT055 (ad-hoc sub-processes): an activity loops
 * one way or the other, never both. Moddle keeps only one marker, so this reads the XML.
 */
function checkLoopMarkers(ctx: RuleContext, activity: ModdleElement): void {
  const markers = ctx.tagOf(activity)?.children.filter((c) => /^(standard|multiInstance)LoopCharacteristics$/.test(c.local)) ?? [];
  if (markers.length < 2) return;
  const rules = isA(activity, 'bpmn:AdHocSubProcess') ? ['EXT054', 'EXT055'] : isA(activity, 'bpmn:SubProcess') ? ['EXT054'] : ['EXT041'];
  for (const rule of rules) {
    ctx.report({
      rule,
      element: activity,
      message: `the ${kindOf(activity)} has both a standard loop and a multi-instance marker; an activity loops one way or the other.`,
      fix: 'Keep either <standardLoopCharacteristics> or <multiInstanceLoopCharacteristics>, not both.',
    });
  }
}

/** EXT067: an executable multi-instance activity says how many instances to create. */
function checkMultiInstance(ctx: RuleContext, loop: ModdleElement): void {
  if (!inExecutableProcess(loop)) return;
  if (one(loop, 'loopCardinality') !== undefined || one(loop, 'loopDataInputRef') !== undefined) return;
  const extended = ['collection', 'elementVariable'].some((p) => text(loop, p) !== undefined) || hasZeebeLoop(loop);
  if (extended) return;
  const activity = loop.$parent ?? loop;
  ctx.report({
    rule: 'EXT067',
    element: activity,
    message: `the multi-instance ${kindOf(activity)} says neither how many instances to run (loopCardinality) nor which collection to iterate (loopDataInputRef).`,
    fix: 'Add a <loopCardinality> expression or a <loopDataInputRef> to the multi-instance loop characteristics.',
  });
}

/** Zeebe gives the input collection in an extension element instead of loopDataInputRef. */
function hasZeebeLoop(loop: ModdleElement): boolean {
  const extensions = one(loop, 'extensionElements');
  return extensions !== undefined && many(extensions, 'values').some((v) => v.$type === 'zeebe:LoopCharacteristics');
}

/** Script languages known by name to Pipelane or to the engines models come from. */
const SCRIPT_LANGUAGES = new Set(['python', 'python3', 'py', 'r', 'bash', 'sh', 'shell', 'javascript', 'js', 'ecmascript', 'groovy', 'juel', 'feel', 'ruby', 'jruby', 'jython', 'powershell']);

/** EXT053, EXT145: a script names its format, as a MIME type. */
function checkScript(ctx: RuleContext, task: ModdleElement): void {
  const format = text(task, 'scriptFormat');
  const script = text(task, 'script');
  if (format === undefined) {
    if (script === undefined || script.trim() === '') return;
    // The specification requires scriptFormat whenever a script is given; Pipelane can also take the
    // language from the sidecar (tasks.<id>), so a model without it is still runnable: warn.
    ctx.report({
      rule: 'EXT053',
      severity: 'warning',
      element: task,
      message: 'the script task has a script but no scriptFormat, so the language must come from the sidecar.',
      fix: 'Add scriptFormat="text/x-python" (or "python", "r", "bash") to the script task, or set the language in the sidecar.',
    });
    return;
  }
  if (isMimeType(format) || SCRIPT_LANGUAGES.has(format.trim().toLowerCase())) return;
  ctx.report({
    rule: 'EXT145',
    element: task,
    message: `the script task's scriptFormat "${format}" is neither a MIME type nor a known script language.`,
    fix: 'Use a MIME type such as "text/x-python", or one of the language names python, r, bash.',
  });
}

/** EXT039, EXT040: a resource is given by reference or by expression, and only a reference takes parameters. */
function checkResourceRole(ctx: RuleContext, role: ModdleElement): void {
  const resource = one(role, 'resourceRef');
  const expression = one(role, 'resourceAssignmentExpression');
  const bindings = many(role, 'resourceParameterBindings').length;
  const owner = role.$parent ?? role;
  if (resource !== undefined && expression !== undefined) {
    ctx.report({
      rule: 'EXT039',
      element: role,
      message: `the ${kindOf(role)} of ${kindOf(owner)} "${owner.id ?? ''}" names a resource (resourceRef) and also a resourceAssignmentExpression; use one or the other.`,
      fix: 'Remove either the <resourceRef> or the <resourceAssignmentExpression>.',
    });
  }
  if (resource === undefined && bindings > 0) {
    ctx.report({
      rule: 'EXT040',
      element: role,
      message: `the ${kindOf(role)} of ${kindOf(owner)} "${owner.id ?? ''}" binds resource parameters but names no resource (resourceRef) they belong to.`,
      fix: 'Add a <resourceRef> naming the resource whose parameters are bound, or remove the parameter bindings.',
    });
  }
}
