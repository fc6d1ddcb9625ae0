import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

const timer = (kind: string, value: string) => `<timerEventDefinition><${kind}>${value}</${kind}></timerEventDefinition>`;

describe('timers', () => {
  it('asks for a timer by command and moves on when it is due', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 't')}<intermediateCatchEvent id="t">${timer('timeDuration', 'PT10M')}</intermediateCatchEvent>${seq('t', 'a')}${script('a')}`)).start({}, 1_000);
    const [set] = d.of('setTimer');
    expect(set).toMatchObject({ elementId: 't', dueAt: 1_000 + 600_000 });
    d.send({ type: 'timerDue', at: set!.dueAt, timerId: set!.timerId });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('repeats a non-interrupting cycle boundary timer as often as the cycle says, leaving the task running', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'u')}<userTask id="u"/>
      <boundaryEvent id="b" attachedToRef="u" cancelActivity="false">${timer('timeCycle', 'R2/PT1M')}</boundaryEvent>${seq('b', 'remind')}${script('remind')}`)).start();
    let [set] = d.of('setTimer');
    d.send({ type: 'timerDue', at: set!.dueAt, timerId: set!.timerId });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['remind']);
    [set] = d.of('setTimer');
    expect(set?.dueAt).toBe(120_000);
    d.send({ type: 'timerDue', at: set!.dueAt, timerId: set!.timerId });
    expect(d.of('setTimer')).toEqual([]);
    expect(Object.values(d.state.nodes).some((n) => n.elementId === 'u' && n.taskId)).toBe(true);
  });

  it('reads cron in timeCycle', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 't')}<intermediateCatchEvent id="t">${timer('timeCycle', '0 6 * * *')}</intermediateCatchEvent>`)).start({}, Date.UTC(2026, 0, 1, 12));
    expect(d.of('setTimer')[0]?.dueAt).toBe(Date.UTC(2026, 0, 2, 6));
  });

  it('makes an invalid timer value an incident that names the element and the value', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 't')}<intermediateCatchEvent id="t">${timer('timeDuration', 'ten minutes')}</intermediateCatchEvent>`)).start();
    expect(d.of('incident')[0]?.message).toMatch(/timer of t \(ten minutes\) is invalid/);
  });

  it('an interrupting boundary timer cancels the job and takes its own path', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'a')}${script('a')}
      <boundaryEvent id="b" attachedToRef="a">${timer('timeDuration', 'PT1S')}</boundaryEvent>${seq('b', 'late')}${script('late')}`)).start();
    const jobId = d.job('a');
    const [set] = d.of('setTimer');
    d.send({ type: 'timerDue', at: 1000, timerId: set!.timerId });
    expect(d.of('cancelJob')).toEqual([{ type: 'cancelJob', jobId }]);
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['late']);
  });
});

describe('errors and escalations', () => {
  const withBoundary = `<startEvent id="s"/>${seq('s', 'a')}${script('a')}${seq('a', 'e')}<endEvent id="e"/>
    <boundaryEvent id="b" attachedToRef="a"><errorEventDefinition errorRef="err"/></boundaryEvent>${seq('b', 'fix')}${script('fix')}`;

  it('routes a BPMN error raised by a job to the error boundary event with its code', async () => {
    const d = new Driver(await model(withBoundary, '<error id="err" errorCode="NO_DATA"/>')).start();
    d.send({ type: 'jobFailed', at: 1, jobId: d.job('a'), message: 'no rows', errorCode: 'NO_DATA' });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['fix']);
    expect(d.state.variables).toMatchObject({ errorCode: 'NO_DATA', errorMessage: 'no rows' });
  });

  it('fails the instance with the error code when no element catches it', async () => {
    const d = new Driver(await model(withBoundary, '<error id="err" errorCode="NO_DATA"/>')).start();
    d.send({ type: 'jobFailed', at: 1, jobId: d.job('a'), message: 'bad', errorCode: 'OTHER' });
    expect(d.of('complete')[0]).toMatchObject({ status: 'failed', error: { code: 'OTHER' } });
  });

  it('makes a technical failure an incident, and a retry runs the same job again as the next attempt', async () => {
    const d = new Driver(await model(withBoundary, '<error id="err" errorCode="NO_DATA"/>')).start();
    const jobId = d.job('a');
    d.send({ type: 'jobFailed', at: 1, jobId, message: 'exit code 1' });
    const [incident] = d.of('incident');
    expect(incident).toMatchObject({ elementId: 'a', message: 'exit code 1' });
    d.send({ type: 'retry', at: 2, incidentId: incident!.incidentId });
    expect(d.of('runJob')[0]).toMatchObject({ jobId, attempt: 2, elementId: 'a' });
  });

  it('catches an error thrown inside a sub-process by an error event sub-process of the process', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'sp')}
      <subProcess id="sp"><startEvent id="s2"/>${seq('s2', 'boom')}<endEvent id="boom"><errorEventDefinition errorRef="err"/></endEvent></subProcess>
      <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition errorRef="err"/></startEvent>${seq('es', 'h')}${script('h')}</subProcess>`,
      '<error id="err" errorCode="E1"/>')).start();
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['h']);
    d.complete('h');
    expect(d.state.status).toBe('completed');
  });

  it('a non-interrupting escalation boundary lets the sub-process go on', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'sp')}
      <subProcess id="sp"><startEvent id="s2"/>${seq('s2', 'x')}<intermediateThrowEvent id="x"><escalationEventDefinition escalationRef="esc"/></intermediateThrowEvent>${seq('x', 'in')}${script('in')}</subProcess>
      <boundaryEvent id="b" attachedToRef="sp" cancelActivity="false"><escalationEventDefinition escalationRef="esc"/></boundaryEvent>${seq('b', 'out')}${script('out')}`,
      '<escalation id="esc" escalationCode="LATE"/>')).start();
    expect(d.of('runJob').map((j) => j.elementId).sort()).toEqual(['in', 'out']);
  });
});

describe('messages, signals, conditions, links', () => {
  it('waits for a message and takes its variables', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'r')}<receiveTask id="r" messageRef="m"/>${seq('r', 'a')}${script('a')}`, '<message id="m" name="approved"/>')).start();
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'messageReceived', at: 1, name: 'approved', variables: { by: 'bob' } });
    expect(d.of('runJob')[0]?.variables).toEqual({ by: 'bob' });
  });

  it('publishes thrown messages and signals for the runtime to route', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'x')}<intermediateThrowEvent id="x"><signalEventDefinition signalRef="sig"/></intermediateThrowEvent>${seq('x', 'e')}
      <endEvent id="e"><messageEventDefinition messageRef="m"/></endEvent>`, '<signal id="sig" name="refresh"/><message id="m" name="done"/>')).start({ k: 1 });
    expect(d.of('publish')).toEqual([
      { type: 'publish', kind: 'signal', name: 'refresh', variables: { k: 1 } },
      { type: 'publish', kind: 'message', name: 'done', variables: { k: 1 } },
    ]);
  });

  it('fires a conditional event when a variable change makes its condition true', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'c')}<intermediateCatchEvent id="c"><conditionalEventDefinition><condition xsi:type="tFormalExpression">ready = true</condition></conditionalEventDefinition></intermediateCatchEvent>${seq('c', 'a')}${script('a')}`)).start({ ready: false });
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'setVariables', at: 1, variables: { ready: true } });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('jumps from a link throw event to the link catch event of the same name', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'lt')}<intermediateThrowEvent id="lt"><linkEventDefinition name="L"/></intermediateThrowEvent>
      <intermediateCatchEvent id="lc"><linkEventDefinition name="L"/></intermediateCatchEvent>${seq('lc', 'a')}${script('a')}`)).start();
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('terminates the whole instance from a terminate end event', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'f')}<parallelGateway id="f"/>${seq('f', 'a')}${seq('f', 't')}${script('a')}
      <endEvent id="t"><terminateEventDefinition/></endEvent>`)).start();
    expect(d.state.status).toBe('completed');
    expect(d.of('runJob')).toEqual([]);
  });
});
