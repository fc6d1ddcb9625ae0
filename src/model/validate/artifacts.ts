import type { RuleContext } from './context.js';
import { isA, kindOf, nameOf, one, text } from './walk.js';

/** Artifacts (text annotations, groups, associations) and documentation text. */
export function checkArtifacts(ctx: RuleContext): void {
  checkArtifactsAreNotConnected(ctx);
  checkTextFormats(ctx);
}

const CONNECTIONS = [
  ['bpmn:SequenceFlow', 'targetRef', 'EXT006', 'target'],
  ['bpmn:SequenceFlow', 'sourceRef', 'EXT007', 'source'],
  ['bpmn:MessageFlow', 'targetRef', 'EXT008', 'target'],
  ['bpmn:MessageFlow', 'sourceRef', 'EXT009', 'source'],
] as const;

/** EXT006–EXT009: an artifact is neither the source nor the target of a sequence or message flow. */
function checkArtifactsAreNotConnected(ctx: RuleContext): void {
  for (const [type, property, rule, role] of CONNECTIONS) {
    for (const flow of ctx.all(type)) {
      const end = one(flow, property);
      if (end === undefined || !isA(end, 'bpmn:Artifact')) continue;
      ctx.report({
        rule,
        element: flow,
        message: `the ${kindOf(flow)} has ${nameOf(end)} as its ${role}, but an artifact cannot be connected by a ${kindOf(flow)}.`,
        fix: `Connect the ${kindOf(flow)} to a flow node, and attach ${nameOf(end)} with an association instead.`,
      });
    }
  }
}

/** A MIME type as in RFC 2045: `type/subtype`, optionally with parameters. */
const MIME_TYPE = /^[a-z0-9][\w!#$&^.+-]*\/[\w!#$&^.+-]+(\s*;.*)?$/i;

export function isMimeType(value: string): boolean {
  return MIME_TYPE.test(value.trim());
}

/** EXT004, EXT010: documentation and text annotations name their format as a MIME type. */
function checkTextFormats(ctx: RuleContext): void {
  for (const [type, rule] of [
    ['bpmn:Documentation', 'EXT004'],
    ['bpmn:TextAnnotation', 'EXT010'],
  ] as const) {
    for (const element of ctx.all(type)) {
      const format = text(element, 'textFormat');
      if (format === undefined || isMimeType(format)) continue;
      ctx.report({
        rule,
        element,
        message: `the ${kindOf(element)} gives its textFormat as "${format}", which is not a MIME type.`,
        fix: 'Use a MIME type such as "text/plain" or "text/html", or remove the textFormat attribute (it defaults to text/plain).',
      });
    }
  }
}
