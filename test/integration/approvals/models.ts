/** Models and pipelane.yaml for the approval tests, written as a modeler would (incoming/outgoing listed). */
import { bpmnXml, script, type NodeSpec } from '../../support/bpmn.js';

export const PEOPLE = `
people:
  ada: { name: Ada Lovelace, email: ada@example.com, github: ada-l }
  bob: { name: Bob Builder, email: bob@example.com, github: bob-b }
  cy: { name: Cy Lead, email: cy@example.com, github: cy-lead }
  dee: { name: Dee NoMail, github: dee-d }
groups:
  leads: [cy]
  reviewers: { members: [], github: acme/reviewers }
  ops: { members: [bob], email: ops@example.com }
channels:
  email: { from: "Pipelane <pipelane@example.com>" }
  github: { repo: acme/models }
`;

const userTask = (attrs: Record<string, string>, body = ''): NodeSpec => ({ id: 'approve', tag: 'userTask', attrs: { name: 'Approve the model', ...attrs }, body });

/** prepare (script) → approve (user task) → gateway on `approved` → shipped | stopped. */
export function approvalModel(processId: string, task: Record<string, string>, options: { taskBody?: string; boundaries?: NodeSpec[]; extraFlows?: [string, string][] } = {}): string {
  return bpmnXml(
    processId,
    [
      { id: 'start', tag: 'startEvent' },
      script('prepare', 'python', 'print("prepare")'),
      userTask(task, options.taskBody),
      { id: 'decided', tag: 'exclusiveGateway', attrs: { default: 'decided_stopped' } },
      { id: 'shipped', tag: 'endEvent' },
      { id: 'stopped', tag: 'endEvent' },
      ...(options.boundaries ?? []),
    ],
    [['start', 'prepare'], ['prepare', 'approve'], ['approve', 'decided'], ['decided', 'shipped', 'approved = true'], ['decided', 'stopped'], ...(options.extraFlows ?? [])],
  );
}

/** A non-interrupting timer boundary event on the approval task, going to an end event of its own. */
export function reminderBoundary(id: string, duration: string): NodeSpec[] {
  return [
    { id, tag: 'boundaryEvent', attrs: { attachedToRef: 'approve', cancelActivity: 'false' }, body: `<timerEventDefinition><timeDuration xsi:type="tFormalExpression">${duration}</timeDuration></timerEventDefinition>` },
    { id: `${id}_end`, tag: 'endEvent' },
  ];
}

export const FORM_DATA = `<extensionElements><camunda:formData>
  <camunda:formField id="amount" label="Amount" type="long"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="100"/></camunda:validation></camunda:formField>
  <camunda:formField id="region" label="Region" type="enum" defaultValue="eu"><camunda:value id="eu" name="Europe"/><camunda:value id="us" name="Americas"/></camunda:formField>
  <camunda:formField id="ticket" label="Ticket" type="string"><camunda:validation><camunda:constraint name="pattern" config="[A-Z]+-\\d+"/></camunda:validation></camunda:formField>
  <camunda:formField id="urgent" label="Urgent" type="boolean" defaultValue="false"/>
  <camunda:formField id="start" label="Start date" type="date"/>
</camunda:formData></extensionElements>`;
