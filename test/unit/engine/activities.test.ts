import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

describe('loops and multi-instance', () => {
  it('runs a parallel multi-instance over an input collection with the element variable per iteration', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <scriptTask id="a" scriptFormat="python"><multiInstanceLoopCharacteristics camunda:collection="items" camunda:elementVariable="item"/><script>x</script></scriptTask>
      ${seq('a', 'b')}${script('b')}`)).start({ items: ['x', 'y', 'z'] });
    const jobs = d.of('runJob');
    expect(jobs.map((j) => j.variables['item'])).toEqual(['x', 'y', 'z']);
    expect(jobs.map((j) => j.variables['loopCounter'])).toEqual([1, 2, 3]);
    for (const job of jobs.slice(0, 2)) d.send({ type: 'jobCompleted', at: 0, jobId: job.jobId });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'jobCompleted', at: 0, jobId: jobs[2]!.jobId });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['b']);
  });

  it('runs a sequential multi-instance one iteration at a time and stops at its completion condition', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <scriptTask id="a"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>5</loopCardinality><completionCondition>nrOfCompletedInstances >= 2</completionCondition></multiInstanceLoopCharacteristics><script>x</script></scriptTask>
      ${seq('a', 'b')}${script('b')}`)).start();
    expect(d.of('runJob')).toHaveLength(1);
    d.complete('a');
    expect(d.of('runJob')).toHaveLength(1);
    d.complete('a');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['b']);
  });

  it('repeats a standard loop while its condition holds, tested after each iteration', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}
      <scriptTask id="a"><standardLoopCharacteristics><loopCondition>n &lt; 3</loopCondition></standardLoopCharacteristics><script>x</script></scriptTask>`)).start({ n: 0 });
    for (let i = 1; i <= 3; i++) d.complete('a', { n: i });
    expect(d.state.status).toBe('completed');
  });
});

describe('sub-processes, call activities and compensation', () => {
  it('keeps data objects of a sub-process local to it', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'sp')}
      <subProcess id="sp"><dataObject id="draft"/><startEvent id="s2"/>${seq('s2', 'a')}${script('a')}</subProcess>`)).start();
    d.complete('a', { draft: 'v1', shared: 1 });
    expect(d.state.variables).toEqual({ shared: 1 });
  });

  it('calls a process of the same deployment with input and output variables', async () => {
    const m = await model(`<startEvent id="s"/>${seq('s', 'c')}<callActivity id="c" calledElement="Child"/>${seq('c', 'e')}<endEvent id="e"/></process>
      <process id="Child"><startEvent id="cs"/>${seq('cs', 'inner')}${script('inner')}`);
    const d = new Driver(m).start({ n: 1 });
    expect(d.of('runJob')[0]).toMatchObject({ elementId: 'inner', processId: 'Child', variables: { n: 1 } });
    d.complete('inner', { result: 42 });
    expect(d.state).toMatchObject({ status: 'completed', variables: { n: 1, result: 42 } });
  });

  it('compensates completed activities in reverse order of completion', async () => {
    const handlers = ['a', 'b'].map((x) => `${script(x)}<boundaryEvent id="cb_${x}" attachedToRef="${x}"><compensateEventDefinition/></boundaryEvent>
      <scriptTask id="undo_${x}" isForCompensation="true"><script>x</script></scriptTask><association id="as_${x}" sourceRef="cb_${x}" targetRef="undo_${x}"/>`).join('');
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}${seq('a', 'b')}${seq('b', 'x')}${handlers}
      <intermediateThrowEvent id="x"><compensateEventDefinition/></intermediateThrowEvent>${seq('x', 'after')}${script('after')}`)).start();
    d.complete('a').complete('b');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['undo_b']);
    d.complete('undo_b');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['undo_a']);
    d.complete('undo_a');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });
});
