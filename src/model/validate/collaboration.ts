import type { ModdleElement } from 'bpmn-moddle';
import type { RuleContext } from './context.js';
import { isA, kindOf, labelOf, many, numeric, one } from './walk.js';

/** Collaborations, choreographies and conversations: the elements around pools. */
export function checkCollaborations(ctx: RuleContext): void {
  for (const collaboration of ctx.all('bpmn:Collaboration')) checkChoreographyRefs(ctx, collaboration);
  for (const conversation of ctx.all('bpmn:GlobalConversation')) checkGlobalConversation(ctx, conversation);
  for (const participant of ctx.all('bpmn:Participant')) checkMultiplicity(ctx, participant);
  for (const container of [...ctx.all('bpmn:Process'), ...ctx.all('bpmn:SubProcess')]) checkNoChoreographyActivities(ctx, container);
}

/** EXT027, EXT033: who may refer to a choreography, and with which openness. */
function checkChoreographyRefs(ctx: RuleContext, collaboration: ModdleElement): void {
  const choreographies = many(collaboration, 'choreographyRef');
  if (choreographies.length === 0) return;
  if (isA(collaboration, 'bpmn:Choreography') || isA(collaboration, 'bpmn:GlobalConversation')) {
    ctx.report({
      rule: 'EXT027',
      element: collaboration,
      message: `the ${kindOf(collaboration)} refers to choreography ${choreographies.map((c) => `"${c.id}"`).join(', ')}; only a collaboration may refer to a choreography.`,
      fix: 'Remove the <choreographyRef>, or move it to the collaboration that the choreography describes.',
    });
    return;
  }
  const closed = collaboration['isClosed'] === true;
  for (const choreography of choreographies) {
    if ((choreography['isClosed'] === true) === closed) continue;
    ctx.report({
      rule: 'EXT033',
      element: collaboration,
      message: `the collaboration ${closed ? 'is' : 'is not'} closed but the choreography "${choreography.id}" it refers to ${closed ? 'is not' : 'is'}; both must agree on isClosed.`,
      fix: `Set isClosed to the same value on the collaboration and on choreography "${choreography.id}".`,
    });
  }
}

const NOT_IN_GLOBAL_CONVERSATION = [
  ['conversations', 'conversation nodes'],
  ['participantAssociations', 'participant associations'],
  ['messageFlowAssociations', 'message flow associations'],
  ['conversationAssociations', 'conversation associations'],
  ['artifacts', 'artifacts'],
] as const;

/** EXT032: a global conversation only names its participants and message flows. */
function checkGlobalConversation(ctx: RuleContext, conversation: ModdleElement): void {
  const found = NOT_IN_GLOBAL_CONVERSATION.filter(([property]) => many(conversation, property).length > 0 || one(conversation, property) !== undefined);
  if (found.length === 0) return;
  ctx.report({
    rule: 'EXT032',
    element: conversation,
    message: `the global conversation contains ${found.map(([, noun]) => noun).join(', ')}; a global conversation only lists participants and message flows.`,
    fix: 'Move those elements into a collaboration, or remove them.',
  });
}

/** EXT029, EXT030: a participant's multiplicity is a sensible range. */
function checkMultiplicity(ctx: RuleContext, participant: ModdleElement): void {
  const multiplicity = one(participant, 'participantMultiplicity');
  if (multiplicity === undefined) return;
  const minimum = numeric(multiplicity, 'minimum') ?? 0;
  const maximum = numeric(multiplicity, 'maximum') ?? 1;
  if (minimum < 0) {
    ctx.report({
      rule: 'EXT029',
      element: participant,
      message: `the participant's multiplicity has minimum ${minimum}; it cannot be negative.`,
      fix: 'Set the minimum of the participant multiplicity to 0 or more.',
    });
  }
  if (maximum < 1 || maximum < minimum) {
    ctx.report({
      rule: 'EXT030',
      element: participant,
      message: `the participant's multiplicity has maximum ${maximum} and minimum ${minimum}; the maximum must be at least 1 and at least the minimum.`,
      fix: 'Raise the maximum of the participant multiplicity, or lower its minimum.',
    });
  }
}

/** EXT036, EXT056: processes and sub-processes do not contain choreography activities. */
function checkNoChoreographyActivities(ctx: RuleContext, container: ModdleElement): void {
  for (const element of many(container, 'flowElements').filter((e) => isA(e, 'bpmn:ChoreographyActivity'))) {
    const rule = isA(container, 'bpmn:Process') ? 'EXT036' : 'EXT056';
    ctx.report({
      rule,
      element: element.id === undefined ? container : element,
      message: `the ${kindOf(container)} contains ${kindOf(element)} ${labelOf(element)}; choreography activities belong in a choreography, not in a ${kindOf(container)}.`,
      fix: 'Move the choreography activity into a <choreography>, or replace it by a task.',
    });
  }
}
