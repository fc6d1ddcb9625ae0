/** Writes small BPMN documents for tests, with <incoming>/<outgoing> filled in as a modeler would. */
export interface NodeSpec {
  id: string;
  tag: string;
  attrs?: Record<string, string>;
  /** Child elements after incoming/outgoing (script, event definitions …). */
  body?: string;
}

/** from, to, and an optional FEEL condition; the flow id is `from_to` unless given. */
export type FlowSpec = [from: string, to: string, condition?: string, id?: string];

export function bpmnXml(processId: string, nodes: NodeSpec[], flows: FlowSpec[], rootElements = ''): string {
  const flowId = (f: FlowSpec) => f[3] ?? `${f[0]}_${f[1]}`;
  const xmlNodes = nodes.map((n) => {
    const attrs = Object.entries({ id: n.id, ...(n.attrs ?? {}) }).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
    const incoming = flows.filter((f) => f[1] === n.id).map((f) => `<incoming>${flowId(f)}</incoming>`).join('');
    const outgoing = flows.filter((f) => f[0] === n.id).map((f) => `<outgoing>${flowId(f)}</outgoing>`).join('');
    return `    <${n.tag}${attrs}>${incoming}${outgoing}${n.body ?? ''}</${n.tag}>`;
  });
  const xmlFlows = flows.map((f) =>
    f[2] === undefined
      ? `    <sequenceFlow id="${flowId(f)}" sourceRef="${f[0]}" targetRef="${f[1]}"/>`
      : `    <sequenceFlow id="${flowId(f)}" sourceRef="${f[0]}" targetRef="${f[1]}"><conditionExpression xsi:type="tFormalExpression">${escape(f[2])}</conditionExpression></sequenceFlow>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${processId}" targetNamespace="https://pipelane.dev/test">
${rootElements}
  <process id="${processId}" isExecutable="true">
${[...xmlNodes, ...xmlFlows].join('\n')}
  </process>
</definitions>
`;
}

export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const script = (id: string, format: string, code: string, attrs: Record<string, string> = {}): NodeSpec => ({
  id,
  tag: 'scriptTask',
  attrs: { scriptFormat: format, ...attrs },
  body: `<script>${escape(code)}</script>`,
});
