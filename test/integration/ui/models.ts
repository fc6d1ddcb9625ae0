/** The models the web UI tests deploy. */
import { bpmnXml, script } from '../../support/bpmn.js';

const start = { id: 'start', tag: 'startEvent' };
const end = { id: 'end', tag: 'endEvent' };

/**
 * Prepares, then fails on the first attempt with markup in its message (it
 * must show as text) and succeeds when retried: the first run leaves a mark
 * in /workspace.
 */
export const failsOnce = bpmnXml('broken', [
  start,
  script('prepare', 'bash', 'echo "preparing the data"', { name: 'Prepare' }),
  script('explode', 'bash', [
    'if [ ! -f /workspace/tried ]; then',
    '  touch /workspace/tried',
    '  echo "about to fail"',
    '  echo \'boom <img src=x onerror="window.pwned=1"> no data\' >&2',
    '  exit 3',
    'fi',
    'echo "recovered on retry"',
  ].join('\n'), { name: 'Explode once' }),
  end,
], [['start', 'prepare'], ['prepare', 'explode'], ['explode', 'end']]);

/** The assignee of the form task: no email, so no mail goes out. */
export const PEOPLE = 'people:\n  ada: { name: Ada Lovelace }\n';

/** A person fills a camunda:formData form: an enum, a whole number, a text and a flag. */
export const formTask = bpmnXml('intake', [
  start,
  {
    id: 'fill',
    tag: 'userTask',
    attrs: { name: 'Describe the batch', 'camunda:assignee': 'ada' },
    body: `<extensionElements><camunda:formData>
      <camunda:formField id="region" label="Region" type="enum"><camunda:validation><camunda:constraint name="required"/></camunda:validation>
        <camunda:value id="eu" name="Europe"/><camunda:value id="us" name="United States"/></camunda:formField>
      <camunda:formField id="rows" label="Rows" type="long"><camunda:validation><camunda:constraint name="min" config="1"/></camunda:validation></camunda:formField>
      <camunda:formField id="note" label="Note" type="string"/>
      <camunda:formField id="urgent" label="Urgent" type="boolean"/>
    </camunda:formData></extensionElements>`,
  },
  end,
], [['start', 'fill'], ['fill', 'end']]);

/** A model drawn in a modeler: it brings its own layout (BPMNDI), which is served unchanged. */
export const drawn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs_drawn" targetNamespace="https://pipelane.dev/test">
  <bpmn:process id="drawn" isExecutable="true">
    <bpmn:startEvent id="begin"><bpmn:outgoing>to_finish</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="finish"><bpmn:incoming>to_finish</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_finish" sourceRef="begin" targetRef="finish"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_drawn">
    <bpmndi:BPMNPlane id="Plane_drawn" bpmnElement="drawn">
      <bpmndi:BPMNShape id="begin_di" bpmnElement="begin"><dc:Bounds x="100" y="300" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="finish_di" bpmnElement="finish"><dc:Bounds x="100" y="500" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="to_finish_di" bpmnElement="to_finish"><di:waypoint x="118" y="336"/><di:waypoint x="118" y="500"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

/** An approval (a user task without a form) and then a second task that waits: the instance is cancelled there. */
export const approveThenWait = bpmnXml('gate', [
  start,
  { id: 'approve', tag: 'userTask', attrs: { name: 'Approve the run' } },
  { id: 'wait', tag: 'userTask', attrs: { name: 'Wait for the window' } },
  end,
], [['start', 'approve'], ['approve', 'wait'], ['wait', 'end']]);
