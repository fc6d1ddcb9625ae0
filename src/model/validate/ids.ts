import type { RuleContext } from './context.js';
import { isA, isAny, kindOf } from './walk.js';

/**
 * Identity. Duplicate ids (EXT002) surface in the parser's findings; here,
 * elements that other elements must be able to refer to need an id (EXT003).
 * Event definitions written inside their event are referred to through the
 * event, so they may go without.
 */
const NEEDS_ID = ['bpmn:FlowElement', 'bpmn:RootElement', 'bpmn:Participant', 'bpmn:MessageFlow', 'bpmn:Artifact'];

export function checkIds(ctx: RuleContext): void {
  for (const element of ctx.elements) {
    if (element.id !== undefined && element.id !== '') continue;
    if (!isAny(element, NEEDS_ID) || isA(element, 'bpmn:EventDefinition')) continue;
    const kind = kindOf(element);
    ctx.report({
      rule: 'EXT003',
      element,
      message: `the ${kind} has no id, so sequence flows, diagram shapes and the sidecar cannot refer to it.`,
      fix: `Give the ${kind} an id attribute that no other element of the file uses.`,
    });
  }
}
