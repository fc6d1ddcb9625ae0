import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

const multiInstance = (id: string, type: string, loop: string, inner = '') =>
  `<${type} id="${id}"><multiInstanceLoopCharacteristics ${loop}</multiInstanceLoopCharacteristics>${inner}</${type}>`;

describe('loops of activities that complete at once', () => {
  it('runs a 10,000-iteration standard loop of a plain task through the agenda, without exhausting the stack', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <task id="a"><standardLoopCharacteristics loopMaximum="10000"><loopCondition>n = 0</loopCondition></standardLoopCharacteristics></task>
      ${seq('a', 'b')}${script('b')}`)).start({ n: 0 });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['b']);
    expect(d.of('incident')).toEqual([]);
  });

  it('ends a parallel multi-instance manual task at its completion condition and starts no iteration after it', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      ${multiInstance('a', 'manualTask', '><loopCardinality>3</loopCardinality><completionCondition>nrOfCompletedInstances >= 1</completionCondition>')}
      ${seq('a', 'b')}${script('b')}`)).start();
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['b']);
    expect(Object.values(d.state.nodes).map((n) => n.elementId)).toEqual(['b']);
  });

  it('runs a sequential multi-instance of 10,000 plain tasks to its end', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      ${multiInstance('a', 'task', 'isSequential="true"><loopCardinality>10000</loopCardinality>')}${seq('a', 'e')}<endEvent id="e"/>`)).start();
    expect(d.state.status).toBe('completed');
  });

  it('holds a loop that never ends at an incident on its next iteration; a retry goes on with a fresh budget', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <task id="a"><standardLoopCharacteristics><loopCondition>n = 0</loopCondition></standardLoopCharacteristics></task>`)).start({ n: 0 });
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'a' });
    expect(incident!.message).toContain('loops without ever waiting');
    const held = d.state.nodes[d.state.incidents[incident!.incidentId]!.nodeId]!;
    expect(held.loopCounter).toBeGreaterThan(1);
    d.send({ type: 'retry', at: 1, incidentId: incident!.incidentId });
    expect(d.of('incident')).toHaveLength(1);
    expect(d.state.nodes[d.state.incidents[d.of('incident')[0]!.incidentId]!.nodeId]!.loopCounter).toBeGreaterThan(held.loopCounter!);
  });
});

describe('multi-instance data', () => {
  it("iterates BPMN's own loopDataInputRef with its inputDataItem, and gathers the outputDataItem of each iteration into loopDataOutputRef", async () => {
    const d = new Driver(await model(`<dataObject id="orders"/><dataObject id="scores"/><startEvent id="s"/>${seq('s', 'a')}
      <scriptTask id="a" scriptFormat="python">
        <multiInstanceLoopCharacteristics>
          <loopDataInputRef>orders</loopDataInputRef><loopDataOutputRef>scores</loopDataOutputRef>
          <inputDataItem id="order_item" name="order"/><outputDataItem id="score"/>
        </multiInstanceLoopCharacteristics><script>x</script></scriptTask>
      ${seq('a', 'e')}<endEvent id="e"/>`)).start({ orders: ['o1', 'o2'] });
    const jobs = d.of('runJob');
    expect(jobs.map((j) => j.variables['order'])).toEqual(['o1', 'o2']);
    d.send({ type: 'jobCompleted', at: 1, jobId: jobs[1]!.jobId, variables: { score: 20 } });
    d.send({ type: 'jobCompleted', at: 2, jobId: jobs[0]!.jobId, variables: { score: 10 } });
    expect(d.state).toMatchObject({ status: 'completed', variables: { orders: ['o1', 'o2'], scores: [10, 20] } });
    expect(d.state.variables).not.toHaveProperty('score');
  });

  it("throws behavior=\"Complex\" events whose condition holds as an iteration completes, caught by the activity's own boundary event", async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <scriptTask id="a"><multiInstanceLoopCharacteristics behavior="Complex"><loopCardinality>3</loopCardinality>
        <complexBehaviorDefinition id="cb"><condition xsi:type="tFormalExpression">nrOfCompletedInstances = 2</condition>
          <event id="ev"><signalEventDefinition id="sd" signalRef="half"/></event></complexBehaviorDefinition>
      </multiInstanceLoopCharacteristics><script>x</script></scriptTask>
      <boundaryEvent id="b" attachedToRef="a" cancelActivity="false"><signalEventDefinition signalRef="half"/></boundaryEvent>
      ${seq('b', 'notify')}${script('notify')}${seq('a', 'after')}${script('after')}`, '<signal id="half" name="half"/>')).start();
    const jobs = d.of('runJob').map((j) => j.jobId);
    d.send({ type: 'jobCompleted', at: 1, jobId: jobs[0]! });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'jobCompleted', at: 2, jobId: jobs[1]! });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['notify']);
    d.send({ type: 'jobCompleted', at: 3, jobId: jobs[2]! });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });
});
