import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

describe('sequence flow and tasks', () => {
  it('runs a script task as a job and completes with its output merged into the variables', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}${script('a')}${seq('a', 'e')}<endEvent id="e"/>`)).start({ x: 1 });
    const [job] = d.of('runJob');
    expect(job).toMatchObject({ elementId: 'a', elementType: 'scriptTask', attempt: 1, variables: { x: 1 }, script: { format: 'python', body: 'print("a")' } });
    d.complete('a', { y: 2 });
    expect(d.of('complete')).toEqual([{ type: 'complete', status: 'completed', variables: { x: 1, y: 2 } }]);
    expect(d.state.status).toBe('completed');
  });

  it('never mutates the state it is given', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}${script('a')}${seq('a', 'e')}<endEvent id="e"/>`)).start();
    const before = structuredClone(d.state);
    const frozen = d.state;
    d.complete('a');
    expect(frozen).toEqual(before);
  });

  it('takes the default flow of an activity only when no conditional flow holds', async () => {
    const m = await model(`<startEvent id="s"/>${seq('s', 'a')}<task id="a" default="f_def"/>
      ${seq('a', 'b', 'f_cond', 'x > 5')}${seq('a', 'c', 'f_def')}${seq('a', 'd', 'f_plain')}
      ${script('b')}${script('c')}${script('d')}`);
    const low = new Driver(m).start({ x: 1 });
    expect(low.of('runJob').map((j) => j.elementId).sort()).toEqual(['c', 'd']);
    const high = new Driver(m).start({ x: 9 });
    expect(high.of('runJob').map((j) => j.elementId).sort()).toEqual(['b', 'd']);
  });

  it('raises an incident naming the flow and the expression when a condition cannot be evaluated, not a crash', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'g')}<exclusiveGateway id="g"/>${seq('g', 'a', 'f1', 'x >')}${script('a')}`)).start();
    const [incident] = d.of('incident');
    expect(incident?.elementId).toBe('g');
    expect(incident?.message).toContain('f1');
    expect(incident?.message).toContain('x >');
    expect(d.state.status).toBe('running');
  });

  it('cancels an instance: its jobs are cancelled and it ends as cancelled', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}${script('a')}`)).start();
    const jobId = d.job('a');
    d.send({ type: 'cancel', at: 5 });
    expect(d.of('cancelJob')).toEqual([{ type: 'cancelJob', jobId }]);
    expect(d.state.status).toBe('cancelled');
  });

  it('starts every activity without incoming flow when the process has no none start event', async () => {
    const d = new Driver(await model(`${script('a')}${script('b')}`)).start();
    expect(d.of('runJob').map((j) => j.elementId).sort()).toEqual(['a', 'b']);
  });
});

describe('user tasks', () => {
  it('opens a user task with its assignment and completes it with the submitted variables', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'u')}<userTask id="u" name="Approve" camunda:assignee="alice"/>${seq('u', 'e')}<endEvent id="e"/>`)).start();
    const [task] = d.of('openUserTask');
    expect(task).toMatchObject({ elementId: 'u', name: 'Approve', extensions: { 'camunda:assignee': 'alice' } });
    d.send({ type: 'taskCompleted', at: 1, taskId: task!.taskId, variables: { approved: true } });
    expect(d.state).toMatchObject({ status: 'completed', variables: { approved: true } });
  });
});
