import { describe, expect, it } from 'vitest';
import { loadBpmn } from '../../../src/model/load.js';

/** A task with a compensation boundary event, its associations, and a compensation throw that uses them. */
function model(associations: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://example.com/test">
  <process id="P" isExecutable="true">
    <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
    <task id="Book"><incoming>F1</incoming><outgoing>F2</outgoing></task>
    <boundaryEvent id="Undo" attachedToRef="Book"><compensateEventDefinition/></boundaryEvent>
    <task id="Cancel" isForCompensation="true"/>
    <textAnnotation id="Note"><text>refund the booking</text></textAnnotation>
    <intermediateThrowEvent id="Compensate"><incoming>F2</incoming><outgoing>F3</outgoing><compensateEventDefinition/></intermediateThrowEvent>
    <endEvent id="End"><incoming>F3</incoming></endEvent>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Book"/>
    <sequenceFlow id="F2" sourceRef="Book" targetRef="Compensate"/>
    <sequenceFlow id="F3" sourceRef="Compensate" targetRef="End"/>
    ${associations}
  </process>
</definitions>`;
}

describe('compensation associations', () => {
  it('refuses a compensation boundary event whose only association goes to a text annotation, naming the association', async () => {
    const loaded = await loadBpmn(model('<association id="ToNote" sourceRef="Undo" targetRef="Note"/>'), 'm.bpmn');
    expect(loaded.ok).toBe(false);
    const [error] = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(error).toMatchObject({ rule: 'pipelane/compensation-handler', element: 'ToNote' });
    expect(error!.fix).toContain('isForCompensation="true"');
  });

  it('refuses an association from a compensation boundary event to an event', async () => {
    const loaded = await loadBpmn(model('<association id="ToEnd" sourceRef="Undo" targetRef="End"/>'), 'm.bpmn');
    expect(loaded.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', rule: 'pipelane/compensation-handler', element: 'ToEnd' }));
  });

  it('accepts a handler with an annotation beside it, and compiles the handler', async () => {
    const loaded = await loadBpmn(model(`<association id="ToNote" sourceRef="Undo" targetRef="Note"/>
      <association id="ToCancel" sourceRef="Undo" targetRef="Cancel"/>`), 'm.bpmn');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.ok && loaded.model.processes['P']!.nodes['Book']!.compensationHandler).toBe('Cancel');
  });
});
