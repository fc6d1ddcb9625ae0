import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import { parseBpmn } from '../../../src/model/parse.js';
import { validateModel } from '../../../src/model/validate/index.js';

// One representative rule per module: the model that breaks it, and the same model fixed.

function definitions(content: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Definitions_1" targetNamespace="http://example.com/test">
${content}
</definitions>`;
}

function process(body: string, attributes = 'isExecutable="true"'): string {
  return definitions(`<process id="Process_1" ${attributes}>\n${body}\n</process>`);
}

/** start → (middle) → end, with the flows listed on both ends. */
function line(middle: string, middleId: string, extra = ''): string {
  return process(`
  <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
  ${middle.replace('%IN%', '<incoming>F1</incoming>').replace('%OUT%', '<outgoing>F2</outgoing>')}
  <endEvent id="End"><incoming>F2</incoming></endEvent>
  <sequenceFlow id="F1" sourceRef="Start" targetRef="${middleId}"/>
  <sequenceFlow id="F2" sourceRef="${middleId}" targetRef="End"/>
  ${extra}`);
}

async function validate(xml: string): Promise<Diagnostic[]> {
  const parsed = await parseBpmn(xml, 'test.bpmn');
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  return validateModel(parsed.parsed, parsed.diagnostics);
}

async function errors(xml: string): Promise<Diagnostic[]> {
  return (await validate(xml)).filter((d) => d.severity === 'error');
}

describe('validateModel', () => {
  it('accepts a plain valid process', async () => {
    expect(await errors(line('<task id="Task_1">%IN%%OUT%</task>', 'Task_1'))).toEqual([]);
  });

  it('EXT002 (ids): reports a duplicate id as an error naming the id', async () => {
    const bad = line('<task id="Task_1">%IN%%OUT%</task><task id="Task_1"/>', 'Task_1');
    expect(await errors(bad)).toContainEqual(expect.objectContaining({ rule: 'EXT002', element: 'Task_1' }));
    expect(await errors(line('<task id="Task_1">%IN%%OUT%</task>', 'Task_1'))).toEqual([]);
  });

  it('EXT003 (ids): a flow node needs an id', async () => {
    const bad = line('<task id="Task_1">%IN%%OUT%</task>', 'Task_1', '<task name="anonymous"/>');
    expect(await errors(bad)).toContainEqual(expect.objectContaining({ rule: 'EXT003', element: '<task>' }));
  });

  it('REF (references): a sequence flow cannot start at a sequence flow', async () => {
    const bad = line('<task id="Task_1">%IN%%OUT%</task>', 'Task_1').replace('sourceRef="Start"', 'sourceRef="F2"');
    expect(await errors(bad)).toContainEqual(expect.objectContaining({ rule: 'REF', element: 'F1' }));
  });

  it('EXT023 (flows): a flow its source does not list is a warning; listing a flow that starts elsewhere is an error', async () => {
    const unlisted = await validate(line('<task id="Task_1">%IN%</task>', 'Task_1'));
    const warning = unlisted.find((d) => d.rule === 'EXT023' && d.element === 'Task_1');
    expect(warning?.severity).toBe('warning');
    expect(warning?.fix).toContain('<outgoing>F2</outgoing>');
    const wrong = line('<task id="Task_1">%IN%%OUT%<outgoing>F1</outgoing></task>', 'Task_1');
    expect(await errors(wrong)).toContainEqual(expect.objectContaining({ rule: 'EXT023', element: 'Task_1' }));
  });

  it('EXT010 (artifacts): a text annotation names its format as a MIME type', async () => {
    const annotated = (format: string): string =>
      line('<task id="Task_1">%IN%%OUT%</task>', 'Task_1', `<textAnnotation id="Note" textFormat="${format}"><text>hi</text></textAnnotation>`);
    expect(await errors(annotated('plain'))).toContainEqual(expect.objectContaining({ rule: 'EXT010', element: 'Note' }));
    expect(await errors(annotated('text/plain'))).toEqual([]);
  });

  it('EXT136 (gateways): an event-based gateway waits for at least two events', async () => {
    const gateway = (targets: string[]): string =>
      process(`
      <startEvent id="Start"><outgoing>F0</outgoing></startEvent>
      <eventBasedGateway id="Gateway_1"><incoming>F0</incoming>${targets.map((t) => `<outgoing>To_${t}</outgoing>`).join('')}</eventBasedGateway>
      <sequenceFlow id="F0" sourceRef="Start" targetRef="Gateway_1"/>
      ${targets
        .map(
          (t) => `
      <intermediateCatchEvent id="${t}"><incoming>To_${t}</incoming><outgoing>From_${t}</outgoing>
        <timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT1M</timeDuration></timerEventDefinition>
      </intermediateCatchEvent>
      <sequenceFlow id="To_${t}" sourceRef="Gateway_1" targetRef="${t}"/>
      <sequenceFlow id="From_${t}" sourceRef="${t}" targetRef="End"/>`,
        )
        .join('')}
      <endEvent id="End">${targets.map((t) => `<incoming>From_${t}</incoming>`).join('')}</endEvent>`);
    expect(await errors(gateway(['Wait_1']))).toContainEqual(expect.objectContaining({ rule: 'EXT136', element: 'Gateway_1' }));
    expect(await errors(gateway(['Wait_1', 'Wait_2']))).toEqual([]);
  });

  it('EXT104 (start and end events): nothing follows an end event', async () => {
    const bad = process(`
      <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
      <endEvent id="End"><incoming>F1</incoming><outgoing>F2</outgoing></endEvent>
      <endEvent id="End_2"><incoming>F2</incoming></endEvent>
      <sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>
      <sequenceFlow id="F2" sourceRef="End" targetRef="End_2"/>`);
    expect(await errors(bad)).toContainEqual(expect.objectContaining({ rule: 'EXT104', element: 'End' }));
  });

  it('EXT098 (event definitions): a process cannot start on an error', async () => {
    const started = (definition: string): string =>
      process(`
      <startEvent id="Start"><outgoing>F1</outgoing>${definition}</startEvent>
      <endEvent id="End"><incoming>F1</incoming></endEvent>
      <sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>`);
    expect(await errors(started('<errorEventDefinition/>'))).toContainEqual(expect.objectContaining({ rule: 'EXT098', element: 'Start' }));
    expect(await errors(started('<timerEventDefinition><timeCycle xsi:type="tFormalExpression">R/PT1H</timeCycle></timerEventDefinition>'))).toEqual([]);
  });

  it('EXT113 (intermediate events): a boundary event leads somewhere', async () => {
    const bounded = (withFlow: boolean): string =>
      line(
        '<task id="Task_1">%IN%%OUT%</task>',
        'Task_1',
        `<boundaryEvent id="Timeout" attachedToRef="Task_1">${withFlow ? '<outgoing>F3</outgoing>' : ''}
           <timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT1H</timeDuration></timerEventDefinition>
         </boundaryEvent>
         ${withFlow ? '<endEvent id="Late"><incoming>F3</incoming></endEvent><sequenceFlow id="F3" sourceRef="Timeout" targetRef="Late"/>' : ''}`,
      );
    expect(await errors(bounded(false))).toContainEqual(expect.objectContaining({ rule: 'EXT113', element: 'Timeout' }));
    expect(await errors(bounded(true))).toEqual([]);
  });

  it('EXT011 (event data): a thrown escalation has a code in an executable process', async () => {
    const escalating = (code: string): string =>
      definitions(`
      <escalation id="Escalation_1" ${code}/>
      <process id="Process_1" isExecutable="true">
        <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
        <endEvent id="End"><incoming>F1</incoming><escalationEventDefinition escalationRef="Escalation_1"/></endEvent>
        <sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>
      </process>`);
    expect(await errors(escalating(''))).toContainEqual(expect.objectContaining({ rule: 'EXT011', element: 'End' }));
    expect(await errors(escalating('escalationCode="LATE"'))).toEqual([]);
  });

  it('EXT037 (activities): an activity starts with at least one token', async () => {
    expect(await errors(line('<task id="Task_1" startQuantity="0">%IN%%OUT%</task>', 'Task_1'))).toContainEqual(
      expect.objectContaining({ rule: 'EXT037', element: 'Task_1' }),
    );
    expect(await errors(line('<task id="Task_1" startQuantity="1">%IN%%OUT%</task>', 'Task_1'))).toEqual([]);
  });

  it('EXT145 (activities): a script format is a MIME type or a known language', async () => {
    const script = (format: string): string =>
      line(`<scriptTask id="Script_1" scriptFormat="${format}">%IN%%OUT%<script>print(1)</script></scriptTask>`, 'Script_1');
    expect(await errors(script('INVALID'))).toContainEqual(expect.objectContaining({ rule: 'EXT145', element: 'Script_1' }));
    expect(await errors(script('python'))).toEqual([]);
    expect(await errors(script('text/x-python'))).toEqual([]);
  });

  it('EXT047 (messaging): a send task sends one datum, the content of its message', async () => {
    const sending = (inputs: string[]): string =>
      definitions(`
      <itemDefinition id="Item_1" structureRef="Order"/>
      <message id="Message_1" itemRef="Item_1"/>
      <process id="Process_1" isExecutable="true">
        <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
        <sendTask id="Send_1" messageRef="Message_1"><incoming>F1</incoming><outgoing>F2</outgoing>
          <ioSpecification>
            ${inputs.map((i) => `<dataInput id="${i}" itemSubjectRef="Item_1"/>`).join('')}
            <inputSet>${inputs.map((i) => `<dataInputRefs>${i}</dataInputRefs>`).join('')}</inputSet>
            <outputSet/>
          </ioSpecification>
        </sendTask>
        <endEvent id="End"><incoming>F2</incoming></endEvent>
        <sequenceFlow id="F1" sourceRef="Start" targetRef="Send_1"/>
        <sequenceFlow id="F2" sourceRef="Send_1" targetRef="End"/>
      </process>`);
    expect(await errors(sending(['In_1', 'In_2']))).toContainEqual(expect.objectContaining({ rule: 'EXT047', element: 'Send_1' }));
    expect(await errors(sending(['In_1']))).toEqual([]);
  });

  it('EXT099 (call activities): a called process has a none start event', async () => {
    const calling = (trigger: string): string =>
      definitions(`
      <process id="Main" isExecutable="true">
        <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
        <callActivity id="Call_1" calledElement="Child"><incoming>F1</incoming><outgoing>F2</outgoing></callActivity>
        <endEvent id="End"><incoming>F2</incoming></endEvent>
        <sequenceFlow id="F1" sourceRef="Start" targetRef="Call_1"/>
        <sequenceFlow id="F2" sourceRef="Call_1" targetRef="End"/>
      </process>
      <process id="Child" isExecutable="true">
        <startEvent id="Child_Start"><outgoing>C1</outgoing>${trigger}</startEvent>
        <endEvent id="Child_End"><incoming>C1</incoming></endEvent>
        <sequenceFlow id="C1" sourceRef="Child_Start" targetRef="Child_End"/>
      </process>`);
    const bad = calling('<timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT1M</timeDuration></timerEventDefinition>');
    expect(await errors(bad)).toContainEqual(expect.objectContaining({ rule: 'EXT099', element: 'Child' }));
    expect(await errors(calling(''))).toEqual([]);
  });

  it('EXT058 (processes): an event sub-process has exactly one start event', async () => {
    const withEventSubProcess = (starts: number): string =>
      line(
        '<task id="Task_1">%IN%%OUT%</task>',
        'Task_1',
        `<subProcess id="OnMessage" triggeredByEvent="true">
          ${Array.from({ length: starts }, (_, i) => `<startEvent id="S${i}"><outgoing>E${i}</outgoing><messageEventDefinition messageRef="M"/></startEvent><sequenceFlow id="E${i}" sourceRef="S${i}" targetRef="SubEnd"/>`).join('')}
          <endEvent id="SubEnd">${Array.from({ length: starts }, (_, i) => `<incoming>E${i}</incoming>`).join('')}</endEvent>
        </subProcess>`,
      ).replace('<process', '<message id="M"/><process');
    expect(await errors(withEventSubProcess(2))).toContainEqual(expect.objectContaining({ rule: 'EXT058', element: 'OnMessage' }));
    expect(await errors(withEventSubProcess(1))).toEqual([]);
  });

  it('EXT084 (data): a data input belongs to an input set', async () => {
    const specified = (listed: boolean): string =>
      process(`
      <ioSpecification>
        <dataInput id="Amount"/>
        <inputSet>${listed ? '<dataInputRefs>Amount</dataInputRefs>' : ''}</inputSet>
        <outputSet/>
      </ioSpecification>
      <startEvent id="Start"><outgoing>F1</outgoing></startEvent>
      <endEvent id="End"><incoming>F1</incoming></endEvent>
      <sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>`);
    expect(await errors(specified(false))).toContainEqual(expect.objectContaining({ rule: 'EXT084', element: 'Amount' }));
    expect(await errors(specified(true))).toEqual([]);
  });

  it('EXT012 (expressions): an executable loop condition is a formal expression', async () => {
    const looping = (type: string): string =>
      line(`<task id="Task_1">%IN%%OUT%<standardLoopCharacteristics><loopCondition ${type}>count &lt; 3</loopCondition></standardLoopCharacteristics></task>`, 'Task_1');
    expect(await errors(looping(''))).toContainEqual(expect.objectContaining({ rule: 'EXT012', element: 'Task_1' }));
    expect(await errors(looping('xsi:type="tFormalExpression"'))).toEqual([]);
  });

  it('EXT134 (timers): a timer duration is ISO 8601', async () => {
    const waiting = (duration: string): string =>
      line(
        `<intermediateCatchEvent id="Wait_1">%IN%%OUT%<timerEventDefinition><timeDuration xsi:type="tFormalExpression">${duration}</timeDuration></timerEventDefinition></intermediateCatchEvent>`,
        'Wait_1',
      );
    expect(await errors(waiting('5 minutes'))).toContainEqual(expect.objectContaining({ rule: 'EXT134', element: 'Wait_1', line: 7 }));
    expect(await errors(waiting('PT5M'))).toEqual([]);
    expect(await errors(waiting('=delay'))).toEqual([]);
  });

  it('EXT031 (message flows): a message flow connects two pools', async () => {
    const collaboration = (target: string): string =>
      definitions(`
      <collaboration id="Collaboration_1">
        <participant id="Customer"/>
        <participant id="Shop" processRef="Process_1"/>
        <messageFlow id="Order" sourceRef="${target === 'Start' ? 'Customer' : 'Start'}" targetRef="${target}"/>
      </collaboration>
      <message id="M"/>
      <process id="Process_1" isExecutable="true">
        <startEvent id="Start"><outgoing>F1</outgoing><messageEventDefinition messageRef="M"/></startEvent>
        <endEvent id="End"><incoming>F1</incoming></endEvent>
        <sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>
      </process>`);
    expect(await errors(collaboration('Shop'))).toContainEqual(expect.objectContaining({ rule: 'EXT031', element: 'Order' }));
    expect(await errors(collaboration('Start'))).toEqual([]);
  });

  it('EXT029 (collaboration): a participant multiplicity is not negative', async () => {
    const pool = (minimum: number): string =>
      definitions(`<collaboration id="C"><participant id="Bidder"><participantMultiplicity minimum="${minimum}" maximum="5"/></participant></collaboration>`);
    expect(await errors(pool(-1))).toContainEqual(expect.objectContaining({ rule: 'EXT029', element: 'Bidder' }));
    expect(await errors(pool(2))).toEqual([]);
  });

  it('every diagnostic says what is wrong and what to do', async () => {
    const found = await validate(line('<task id="Task_1" completionQuantity="0">%IN%</task>', 'Task_1'));
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.file).toBe('test.bpmn');
      expect(d.message).toMatch(/^[a-z"<].*[.)]$/);
      expect(d.fix).toMatch(/^[A-Z].*\.$/);
    }
  });
});
