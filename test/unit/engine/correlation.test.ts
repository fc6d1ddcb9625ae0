import { describe, expect, it } from 'vitest';
import { PipelaneError } from '../../../src/errors.js';
import { evaluateConditionalStarts, startInstance } from '../../../src/engine/index.js';
import { Driver, model, script, seq } from './helpers.js';

const keyedMessage = (key = '= orderId') =>
  `<message id="m" name="paid"><extensionElements><zeebe:subscription correlationKey="${key}"/></extensionElements></message>`;
const catchPaid = `<startEvent id="s"/>${seq('s', 'w')}<intermediateCatchEvent id="w"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>${seq('w', 'a')}${script('a')}`;

describe('message correlation keys', () => {
  it('opens the subscription with the value of the correlation key and takes only a message with that key', async () => {
    const d = new Driver(await model(catchPaid, keyedMessage())).start({ orderId: 'o-7' });
    expect(Object.values(d.state.subscriptions)[0]?.trigger).toEqual({ type: 'message', name: 'paid', correlationKey: 'o-7' });
    d.send({ type: 'messageReceived', at: 1, name: 'paid', correlationKey: 'o-8' });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'messageReceived', at: 2, name: 'paid' });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'messageReceived', at: 3, name: 'paid', correlationKey: 'o-7', variables: { amount: 5 } });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
    expect(d.state.variables['amount']).toBe(5);
  });

  it('gives a message to a subscription without a key by its name, whatever key the sender gave', async () => {
    const d = new Driver(await model(catchPaid, '<message id="m" name="paid"/>')).start();
    const [sub] = Object.values(d.state.subscriptions);
    d.send({ type: 'messageReceived', at: 1, name: 'unpaid', subscriptionId: sub!.id });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'messageReceived', at: 2, name: 'paid', correlationKey: 'o-7', subscriptionId: sub!.id });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('keys the subscription of a receive task, with a number turned into text', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'r')}<receiveTask id="r" messageRef="m"/>${seq('r', 'a')}${script('a')}`, keyedMessage('=order.id'))).start({ order: { id: 42 } });
    d.send({ type: 'messageReceived', at: 1, name: 'paid', correlationKey: '41' });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'messageReceived', at: 2, name: 'paid', correlationKey: '42' });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('raises an incident naming the element and the expression when the key has no value, and subscribes again on retry', async () => {
    const d = new Driver(await model(catchPaid, keyedMessage())).start();
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'w' });
    expect(incident!.message).toContain('= orderId');
    expect(d.state.subscriptions).toEqual({});
    d.send({ type: 'setVariables', at: 1, variables: { orderId: 'o-1' } });
    d.send({ type: 'retry', at: 2, incidentId: incident!.incidentId });
    expect(Object.values(d.state.subscriptions)[0]?.trigger).toMatchObject({ correlationKey: 'o-1' });
  });

  it('holds a failing key of a process-level event sub-process start at an incident of its own, which a retry subscribes again', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'u')}<userTask id="u"/>${seq('u', 'e')}<endEvent id="e"/>
      <subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="false"><messageEventDefinition messageRef="m"/></startEvent>${seq('es', 'x')}${script('x')}</subProcess>`,
    keyedMessage())).start();
    const [task] = d.of('openUserTask');
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'es' });
    d.send({ type: 'taskCompleted', at: 1, taskId: task!.taskId });
    expect(d.state.status).toBe('running'); // the incident holds the process
    d.send({ type: 'setVariables', at: 2, variables: { orderId: 'o-1' } });
    d.send({ type: 'retry', at: 3, incidentId: incident!.incidentId });
    expect(d.state.status).toBe('completed');
  });
});

describe('starting an instance', () => {
  it('refuses to start a process that only starts by a trigger, saying which start events it has', async () => {
    const m = await model(`<startEvent id="onPaid"><messageEventDefinition messageRef="m"/></startEvent>${seq('onPaid', 'a')}${script('a')}`, '<message id="m" name="paid"/>');
    const start = () => startInstance(m, { instanceId: 'i1', processId: 'P', at: 0 });
    expect(start).toThrow(PipelaneError);
    expect(start).toThrow(/process "P".*start event "onPaid" \(message "paid"\)/);
    expect(startInstance(m, { instanceId: 'i1', processId: 'P', at: 0, startEventId: 'onPaid' }).commands.map((c) => c.type)).toEqual(['runJob']);
  });

  it('tells which process-level conditional start events the variables satisfy, and starts an instance at one', async () => {
    const conditional = (id: string, condition: string) =>
      `<startEvent id="${id}"><conditionalEventDefinition><condition xsi:type="tFormalExpression">${condition}</condition></conditionalEventDefinition></startEvent>${seq(id, `${id}_task`)}${script(`${id}_task`)}`;
    const m = await model(`${conditional('big', 'amount &gt; 100')}${conditional('small', 'amount &lt;= 100')}${conditional('broken', 'amount &gt;')}`);
    const evaluation = evaluateConditionalStarts(m, { amount: 500 });
    expect(evaluation.satisfied).toEqual([{ processId: 'P', elementId: 'big' }]);
    expect(evaluation.failed).toEqual([expect.objectContaining({ processId: 'P', elementId: 'broken', condition: 'amount >' })]);
    expect(evaluateConditionalStarts(m, { amount: 5 }, 'Other').satisfied).toEqual([]);
    const started = startInstance(m, { instanceId: 'i1', processId: 'P', at: 0, startEventId: 'big', variables: { amount: 500 } });
    expect(started.commands.map((c) => c.type === 'runJob' && c.elementId)).toEqual(['big_task']);
  });
});
