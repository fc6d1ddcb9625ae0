import { describe, expect, it } from 'vitest';
import { Driver, model, script, seq } from './helpers.js';

describe('gateways', () => {
  it('exclusive: the first flow whose condition holds, else the default; none at all is an incident that a retry resolves', async () => {
    const m = await model(`<startEvent id="s"/>${seq('s', 'g')}<exclusiveGateway id="g"/>
      ${seq('g', 'a', 'fa', 'amount > 100')}${seq('g', 'b', 'fb', 'amount > 10')}${script('a')}${script('b')}`);
    expect(new Driver(m).start({ amount: 500 }).of('runJob').map((j) => j.elementId)).toEqual(['a']);
    expect(new Driver(m).start({ amount: 50 }).of('runJob').map((j) => j.elementId)).toEqual(['b']);
    const d = new Driver(m).start({ amount: 1 });
    const [incident] = d.of('incident');
    expect(incident?.message).toMatch(/no condition .* holds and it has no default flow/);
    d.send({ type: 'setVariables', at: 1, variables: { amount: 1000 } });
    d.send({ type: 'retry', at: 2, incidentId: incident!.incidentId });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['a']);
  });

  it('parallel: forks every branch at once and joins when each incoming flow delivered a token', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'f')}<parallelGateway id="f"/>
      ${seq('f', 'a')}${seq('f', 'b')}${script('a')}${script('b')}
      ${seq('a', 'j')}${seq('b', 'j')}<parallelGateway id="j"/>${seq('j', 'c')}${script('c')}`)).start();
    expect(d.of('runJob').map((j) => j.elementId).sort()).toEqual(['a', 'b']);
    const b = d.job('b');
    d.complete('a');
    expect(d.of('runJob')).toEqual([]);
    d.send({ type: 'jobCompleted', at: 0, jobId: b });
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['c']);
  });

  it('inclusive: joins waiting only for the branches that were taken', async () => {
    const m = await model(`<startEvent id="s"/>${seq('s', 'f')}<inclusiveGateway id="f"/>
      ${seq('f', 'a', 'fa', 'x > 1')}${seq('f', 'b', 'fb', 'x > 2')}${script('a')}${script('b')}
      ${seq('a', 'j')}${seq('b', 'j')}<inclusiveGateway id="j"/>${seq('j', 'c')}${script('c')}`);
    const one = new Driver(m).start({ x: 2 });
    expect(one.of('runJob').map((j) => j.elementId)).toEqual(['a']);
    one.complete('a');
    expect(one.of('runJob').map((j) => j.elementId)).toEqual(['c']);
    const both = new Driver(m).start({ x: 3 });
    const b = both.job('b');
    both.complete('a');
    expect(both.of('runJob')).toEqual([]);
    both.send({ type: 'jobCompleted', at: 0, jobId: b });
    expect(both.of('runJob').map((j) => j.elementId)).toEqual(['c']);
  });

  it('event-based: the first event wins and the other waits are withdrawn', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'g')}<eventBasedGateway id="g"/>
      ${seq('g', 't')}${seq('g', 'm')}
      <intermediateCatchEvent id="t"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <intermediateCatchEvent id="m"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
      ${seq('t', 'late')}${seq('m', 'ok')}${script('late')}${script('ok')}`, '<message id="msg" name="paid"/>')).start({}, 1000);
    const [timer] = d.of('setTimer');
    expect(timer?.dueAt).toBe(1000 + 3_600_000);
    d.send({ type: 'messageReceived', at: 2000, name: 'paid', variables: { amount: 5 } });
    expect(d.of('cancelTimer')).toEqual([{ type: 'cancelTimer', timerId: timer!.timerId }]);
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['ok']);
    expect(d.state.variables).toEqual({ amount: 5 });
  });

  it('complex: fires once its activation condition holds and absorbs the rest of the round', async () => {
    const d = new Driver(await model(`<startEvent id="s"/>${seq('s', 'f')}<parallelGateway id="f"/>
      ${seq('f', 'a')}${seq('f', 'b')}${script('a')}${script('b')}${seq('a', 'j')}${seq('b', 'j')}
      <complexGateway id="j"><activationCondition xsi:type="tFormalExpression">activationCount >= 1</activationCondition></complexGateway>
      ${seq('j', 'c')}${script('c')}`)).start();
    const b = d.job('b');
    d.complete('a');
    expect(d.of('runJob').map((j) => j.elementId)).toEqual(['c']);
    d.send({ type: 'jobCompleted', at: 0, jobId: b });
    expect(d.of('runJob')).toEqual([]);
  });
});
