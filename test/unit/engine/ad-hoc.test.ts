import { describe, expect, it } from 'vitest';
import type { RunJob } from '../../../src/engine/index.js';
import { Driver, model, script, seq } from './helpers.js';

const adHoc = (attributes: string, condition?: string) => `<startEvent id="s"/>${seq('s', 'h')}
  <adHocSubProcess id="h" ${attributes}>${script('a')}${script('b')}${script('c')}
    ${condition ? `<completionCondition xsi:type="tFormalExpression">${condition}</completionCondition>` : ''}
  </adHocSubProcess>${seq('h', 'after')}${script('after')}`;

/** Completes the job an element got at the start of the instance (the driver only sees the last step's commands). */
function finish(d: Driver, jobs: RunJob[], elementId: string, variables: Record<string, unknown> = {}): Driver {
  return d.send({ type: 'jobCompleted', at: 1, jobId: jobs.find((j) => j.elementId === elementId)!.jobId, variables });
}

describe('ad-hoc sub-processes', () => {
  it('runs all its activities at once and completes when they are done, without a completion condition', async () => {
    const d = new Driver(await model(adHoc(''))).start();
    const jobs = d.of('runJob');
    expect(jobs.map((j) => j.elementId)).toEqual(['a', 'b', 'c']);
    finish(d, jobs, 'a');
    finish(d, jobs, 'b');
    expect(d.of('runJob')).toEqual([]);
    finish(d, jobs, 'c');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });

  it('cancels the activities still running once its completion condition holds (cancelRemainingInstances by default)', async () => {
    const d = new Driver(await model(adHoc('', 'done = true'))).start();
    const jobs = d.of('runJob');
    d.complete('a', { done: false });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'jobCompleted', at: 1, jobId: jobs[1]!.jobId, variables: { done: true } });
    expect(d.of('cancelJob')).toEqual([{ type: 'cancelJob', jobId: jobs[2]!.jobId }]);
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });

  it('waits for the running activities but starts no new one when cancelRemainingInstances is false', async () => {
    const d = new Driver(await model(adHoc('ordering="Parallel" cancelRemainingInstances="false"', 'done = true')
      .replace(`${script('a')}`, `${script('a')}${seq('a', 'followUp')}${script('followUp')}`))).start();
    const jobs = d.of('runJob');
    expect(jobs.map((j) => j.elementId)).toEqual(['a', 'b', 'c']);
    finish(d, jobs, 'a', { done: true });
    expect(d.of('runJob')).toEqual([]);
    expect(d.of('cancelJob')).toEqual([]);
    finish(d, jobs, 'b');
    expect(d.of('runJob')).toEqual([]);
    finish(d, jobs, 'c');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });

  it('stops a sequential one before its next activity once the condition holds', async () => {
    const d = new Driver(await model(adHoc('ordering="Sequential"', 'count >= 2'))).start({ count: 0 });
    d.complete('a', { count: 1 });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['b']);
    d.complete('b', { count: 2 });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['after']);
  });

  it('raises an incident naming the sub-process and the condition when it cannot be evaluated, and goes no further', async () => {
    const d = new Driver(await model(adHoc('ordering="Sequential"', 'count >'))).start();
    d.complete('a');
    const [incident] = d.of('incident');
    expect(incident?.elementId).toBe('h');
    expect(incident?.message).toContain('count >');
    expect(d.of('runJob')).toEqual([]);
    expect(d.state.status).toBe('running');
  });
});
