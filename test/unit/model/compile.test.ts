import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../src/model/compile.js';
import { parseBpmn } from '../../../src/model/parse.js';

async function compile(body: string, root = '') {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:pipelane="https://pipelane.dev/schema/bpmn/1.0" id="d" targetNamespace="t">${root}
  <process id="P" isExecutable="true">${body}</process></definitions>`;
  const parsed = await parseBpmn(xml, 'm.bpmn');
  if (!parsed.ok) throw new Error('parse failed');
  return { model: compileModel(parsed.parsed), diagnostics: parsed.diagnostics };
}

describe('compiling a model', () => {
  it('reads Camunda 7 assignment, input/output mappings and script resources', async () => {
    const { model } = await compile(`
      <userTask id="u" camunda:assignee="\${owner}" camunda:candidateGroups="analysts" camunda:dueDate="P2D">
        <extensionElements><camunda:inputOutput>
          <camunda:inputParameter name="limit">\${amount * 2}</camunda:inputParameter>
          <camunda:outputParameter name="label">plain text</camunda:outputParameter>
        </camunda:inputOutput></extensionElements>
      </userTask>
      <scriptTask id="s" scriptFormat="R" camunda:resource="scripts/train.R"/>`);
    const u = model.processes['P']!.nodes['u']!;
    expect(u.extensions).toMatchObject({ 'camunda:assignee': '${owner}', 'camunda:candidateGroups': 'analysts', 'camunda:dueDate': 'P2D' });
    expect(u.inputs).toEqual([{ target: 'limit', source: 'amount * 2' }]);
    expect(u.outputs).toEqual([{ target: 'label', source: '"plain text"' }]);
    expect(model.processes['P']!.nodes['s']!.script).toEqual({ format: 'R', resource: 'scripts/train.R' });
  });

  it('reads Zeebe assignment, io mappings and multi-instance collections', async () => {
    const { model } = await compile(`
      <userTask id="u"><extensionElements>
        <zeebe:assignmentDefinition assignee="= owner" candidateGroups="analysts"/>
        <zeebe:ioMapping><zeebe:input source="= x + 1" target="y"/></zeebe:ioMapping>
      </extensionElements></userTask>
      <serviceTask id="m"><extensionElements><zeebe:taskDefinition type="score"/></extensionElements>
        <multiInstanceLoopCharacteristics><extensionElements><zeebe:loopCharacteristics inputCollection="= items" inputElement="item"/></extensionElements></multiInstanceLoopCharacteristics>
      </serviceTask>`);
    const nodes = model.processes['P']!.nodes;
    expect(nodes['u']!.extensions).toMatchObject({ 'zeebe:assignee': '= owner', 'zeebe:candidateGroups': 'analysts' });
    expect(nodes['u']!.inputs).toEqual([{ target: 'y', source: '= x + 1' }]);
    expect(nodes['m']!.extensions['zeebe:taskType']).toBe('score');
    expect(nodes['m']!.loop).toMatchObject({ kind: 'multiInstance', collection: '= items', elementVariable: 'item', sequential: false });
  });

  it("reads Pipelane's own script resource attribute and the script of a global script task", async () => {
    const { model, diagnostics } = await compile(`<scriptTask id="s" scriptFormat="python" pipelane:file="fetch.py"/>`,
      `<globalScriptTask id="g" scriptLanguage="python"><script>print(1)</script></globalScriptTask>`);
    expect(diagnostics).toEqual([]);
    expect(model.processes['P']!.nodes['s']!.script).toEqual({ format: 'python', resource: 'fetch.py' });
    expect(model.globalTasks['g']).toEqual({ id: 'g', type: 'scriptTask', script: { body: 'print(1)' } });
  });

  it('turns an unknown element into a warning and still loads the model', async () => {
    const { model, diagnostics } = await compile('<startEvent id="s"/><fancyThing id="x"/>');
    expect(model.processes['P']!.nodes['s']).toBeDefined();
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', rule: 'pipelane/unknown-element' }));
  });

  it('links a compensation boundary event only to an activity marked for compensation, never to an annotation beside it', async () => {
    const { model } = await compile(`<task id="a"/><boundaryEvent id="cb" attachedToRef="a"><compensateEventDefinition/></boundaryEvent>
      <textAnnotation id="note"><text>refund</text></textAnnotation><task id="undo" isForCompensation="true"/>
      <association id="toNote" sourceRef="cb" targetRef="note"/><association id="toUndo" sourceRef="cb" targetRef="undo"/>
      <task id="b"/><boundaryEvent id="cb2" attachedToRef="b"><compensateEventDefinition/></boundaryEvent>
      <association id="onlyNote" sourceRef="cb2" targetRef="note"/>`);
    expect(model.processes['P']!.nodes['a']!.compensationHandler).toBe('undo');
    expect(model.processes['P']!.nodes['b']!.compensationHandler).toBeUndefined();
  });

  it("compiles BPMN's own loopDataInputRef / inputDataItem and loopDataOutputRef / outputDataItem into the collections and item variables", async () => {
    const { model } = await compile(`<dataObject id="orders"/><dataObjectReference id="ordersRef" dataObjectRef="orders"/><property id="results"/>
      <task id="byReference"><multiInstanceLoopCharacteristics><loopDataInputRef>ordersRef</loopDataInputRef>
        <inputDataItem id="order"/><loopDataOutputRef>results</loopDataOutputRef><outputDataItem id="out" name="result"/></multiInstanceLoopCharacteristics></task>
      <task id="byInput"><ioSpecification><dataInput id="in_orders"/><inputSet><dataInputRefs>in_orders</dataInputRefs></inputSet><outputSet/></ioSpecification>
        <dataInputAssociation><sourceRef>ordersRef</sourceRef><targetRef>in_orders</targetRef></dataInputAssociation>
        <multiInstanceLoopCharacteristics><loopDataInputRef>in_orders</loopDataInputRef><inputDataItem id="item_id" name="item"/></multiInstanceLoopCharacteristics></task>`);
    const nodes = model.processes['P']!.nodes;
    expect(nodes['byReference']!.loop).toMatchObject({ collection: 'orders', elementVariable: 'order', outputCollection: 'results', outputElement: 'result' });
    expect(nodes['byInput']!.loop).toMatchObject({ collection: 'orders', elementVariable: 'item' });
  });

  it("reads Zeebe's output collection, behavior=\"Complex\" definitions and message correlation keys", async () => {
    const { model } = await compile(`
      <serviceTask id="m"><multiInstanceLoopCharacteristics behavior="Complex">
        <extensionElements><zeebe:loopCharacteristics inputCollection="= items" outputCollection="scores" outputElement="= score"/></extensionElements>
        <complexBehaviorDefinition id="cb"><condition>nrOfCompletedInstances = 1</condition><event id="ev"><signalEventDefinition signalRef="sig"/></event></complexBehaviorDefinition>
      </multiInstanceLoopCharacteristics></serviceTask>
      <receiveTask id="r" messageRef="msg"/>
      <intermediateCatchEvent id="c"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>`,
    `<signal id="sig" name="first"/><message id="msg" name="paid"><extensionElements><zeebe:subscription correlationKey="= orderId"/></extensionElements></message>`);
    const nodes = model.processes['P']!.nodes;
    expect(nodes['m']!.loop).toMatchObject({
      outputCollection: 'scores', outputElement: '= score', behavior: 'Complex',
      complexBehaviors: [{ condition: 'nrOfCompletedInstances = 1', event: { kind: 'signal', signal: 'first' } }],
    });
    expect(nodes['r']).toMatchObject({ message: 'paid', correlationKey: '= orderId' });
    expect(nodes['c']!.eventDefinitions).toEqual([{ kind: 'message', message: 'paid', correlationKey: '= orderId' }]);
  });
});
