import { describe, expect, it } from 'vitest';
import { Driver, model, seq } from '../engine/helpers.js';

const TASK = `<startEvent id="s"/>${seq('s', 'u')}<userTask id="u" name="Approve" camunda:assignee="\${owner}"/>${seq('u', 'e')}<endEvent id="e"/>`;

describe('taskFailed: a user task nobody can be given', () => {
  it('withdraws the task and raises an incident on its element', async () => {
    const d = new Driver(await model(TASK)).start({ owner: 'nobody' });
    const [task] = d.of('openUserTask');
    d.send({ type: 'taskFailed', at: 1, taskId: task!.taskId, message: 'the assignee "nobody" is not a person' });
    expect(d.of('closeUserTask')).toEqual([{ type: 'closeUserTask', taskId: task!.taskId }]);
    expect(d.of('incident')).toEqual([{ type: 'incident', incidentId: expect.any(String), elementId: 'u', message: 'the assignee "nobody" is not a person' }]);
    expect(d.state.status).toBe('running');
  });

  it('opens the task again, with a new id, when the incident is retried', async () => {
    const d = new Driver(await model(TASK)).start({ owner: 'nobody' });
    const first = d.of('openUserTask')[0]!.taskId;
    d.send({ type: 'taskFailed', at: 1, taskId: first, message: 'unknown' });
    const incidentId = d.of('incident')[0]!.incidentId;
    d.send({ type: 'retry', at: 2, incidentId });
    const [again] = d.of('openUserTask');
    expect(again?.elementId).toBe('u');
    expect(again?.taskId).not.toBe(first);
    expect(d.of('closeUserTask')).toEqual([]);
    expect(d.state.incidents).toEqual({});
  });

  it('ignores a task that is not open any more', async () => {
    const d = new Driver(await model(TASK)).start({ owner: 'ada' });
    const taskId = d.of('openUserTask')[0]!.taskId;
    d.send({ type: 'taskCompleted', at: 1, taskId, variables: {} });
    const ended = d.state;
    d.send({ type: 'taskFailed', at: 2, taskId, message: 'late' });
    expect(d.state).toEqual(ended);
    expect(d.commands).toEqual([]);
  });
});
