import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

const condition = (text: string) => `<conditionalEventDefinition><condition xsi:type="tFormalExpression">${text}</condition></conditionalEventDefinition>`;

describe('incidents and their retry', () => {
  it('raises an incident naming the element and the condition when a conditional event sub-process start cannot be evaluated', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'u')}<userTask id="u"/>
      <subProcess id="esp" triggeredByEvent="true"><startEvent id="es">${condition('level &gt;')}</startEvent>${seq('es', 'x')}${script('x')}</subProcess>`)).start();
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'es' });
    expect(incident!.message).toContain('level >');
    expect(d.of('openUserTask')).toHaveLength(1);
  });

  it('pins the incident of a model that loops without waiting to the looping token, and keeps it for a retry', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'p')}<parallelGateway id="p"/>
      ${seq('p', 'u')}<userTask id="u"/>${seq('u', 'j')}
      ${seq('p', 'a')}<task id="a"/>${seq('a', 'g')}<exclusiveGateway id="g" default="out"/>${seq('g', 'a', 'again', 'n = 0')}${seq('g', 'j', 'out')}
      <parallelGateway id="j"/>${seq('j', 'e')}<endEvent id="e"/>`)).start({ n: 0 });
    const [task] = d.of('openUserTask');
    const [incident] = d.of('incident');
    expect(['a', 'g']).toContain(incident!.elementId);
    d.send({ type: 'setVariables', at: 1, variables: { n: 1 } });
    d.send({ type: 'retry', at: 2, incidentId: incident!.incidentId });
    expect(d.state.status).toBe('running');
    d.send({ type: 'taskCompleted', at: 3, taskId: task!.taskId });
    expect(d.state.status).toBe('completed');
  });

  it('lets a gateway that joined its tokens route them again on retry', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'p')}<parallelGateway id="p"/>${seq('p', 'a')}${seq('p', 'b')}<task id="a"/><task id="b"/>
      ${seq('a', 'c')}${seq('b', 'c')}<complexGateway id="c"/>${seq('c', 'after', 'f', 'ok = true')}${script('after')}`)).start();
    const [incident] = d.of('incident');
    expect(incident?.elementId).toBe('c');
    d.send({ type: 'setVariables', at: 1, variables: { ok: true } });
    d.send({ type: 'retry', at: 2, incidentId: incident!.incidentId });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });

  it('opens a loop iteration again with its loop counter and element variable when a retry follows an element incident', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'u')}
      <userTask id="u"><multiInstanceLoopCharacteristics isSequential="true" camunda:collection="items" camunda:elementVariable="item"/></userTask>`)).start({ items: ['x', 'y'] });
    d.send({ type: 'taskCompleted', at: 1, taskId: d.of('openUserTask')[0]!.taskId });
    d.send({ type: 'taskFailed', at: 2, taskId: d.of('openUserTask')[0]!.taskId, message: 'nobody is "bob"' });
    const [incident] = d.of('incident');
    d.send({ type: 'retry', at: 3, incidentId: incident!.incidentId });
    expect(d.of('openUserTask')[0]).toMatchObject({ elementId: 'u', variables: { item: 'y', loopCounter: 2 } });
  });

  it('stops processes that call each other without end at an incident on the call activity, not a stack overflow', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'c')}
      <callActivity id="c" calledElement="P"><extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="depth">\${depth + 1}</camunda:inputParameter></camunda:inputOutput></extensionElements></callActivity>`)).start({ depth: 0 });
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'c' });
    expect(incident!.message).toContain('nest more than 1000');
    d.send({ type: 'cancel', at: 1 });
    expect(d.state.status).toBe('cancelled');
  });
});
