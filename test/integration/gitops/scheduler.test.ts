/**
 * The Scheduler on a real SQLite file, in virtual time: fires, restarts that
 * fire no time twice, catch-up after downtime per policy, overlap policies,
 * and daylight-saving transitions of Europe/Berlin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIRE_SCOPE } from '../../../src/schedule/scheduler.js';
import { SchedulerWorld } from './scheduler-harness.js';
import { VirtualClock } from './virtual-clock.js';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const EVERY_SECOND = { kind: 'cron', cron: '* * * * * *', timezone: 'UTC' } as const;
const iso = (ms: number) => new Date(ms).toISOString();
const secondsAfter = (n: number) => iso(T0 + n * 1000);

let world: SchedulerWorld | undefined;
afterEach(() => {
  world?.crash();
  world = undefined;
});

describe('Scheduler: firing', () => {
  it('starts an instance per fire with the schedule variables, actor schedule:<id>', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, variables: { region: 'eu' } });
    world.startScheduler();
    world.clock.advance(3_000);
    expect(world.fires().map((f) => [iso(f.fireAt), f.outcome])).toEqual([
      [secondsAfter(1), 'started'],
      [secondsAfter(2), 'started'],
      [secondsAfter(3), 'started'],
    ]);
    expect(world.started.map((s) => s.actor)).toEqual(Array(3).fill('schedule:churn/churn.bpmn#nightly'));
    expect(world.started[0]!.variables).toEqual({ region: 'eu' });
    expect(world.gitops.getSchedule('churn/churn.bpmn#nightly')).toMatchObject({ lastFireAt: T0 + 3000, handledThrough: T0 + 3000 });
  });

  it('fires a timer start event cycle (R/PT2S) counted from the schedule creation, at its start event', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ id: 'churn/churn.bpmn#tick', source: 'timerStartEvent', startEventId: 'tick', trigger: { kind: 'timer', timer: 'timeCycle', expression: 'R3/PT2S' } });
    world.startScheduler();
    world.clock.advance(10_000);
    expect(world.fires('churn/churn.bpmn#tick').map((f) => iso(f.fireAt))).toEqual([secondsAfter(2), secondsAfter(4), secondsAfter(6)]);
  });

  it('records a fire that could not start as failed, once', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    const w = world;
    w.startScheduler({
      starter: {
        start: () => {
          throw new Error('no such deployment');
        },
      },
    });
    w.schedule({ trigger: EVERY_SECOND });
    w.scheduler!.reload();
    w.clock.advance(1_000);
    expect(w.fires().map((f) => [f.outcome, f.reason])).toEqual([['failed', 'no such deployment']]);
  });
});

describe('Scheduler: restarts', () => {
  it('a restart in the middle of a schedule fires no time twice', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, catchUp: 'all' });
    world.startScheduler();
    world.clock.advance(3_000);
    world.crash();
    world.open();
    world.startScheduler();
    world.clock.advance(2_000);
    const times = world.fires().map((f) => f.fireAt);
    expect(new Set(times).size).toBe(times.length);
    expect(times.map(iso)).toEqual([1, 2, 3, 4, 5].map(secondsAfter));
    expect(world.started).toHaveLength(5);
  });

  it('a fire claimed before a crash is not started again, even when the schedule row lags behind', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    const record = world.schedule({ trigger: EVERY_SECOND, catchUp: 'all' });
    world.startScheduler();
    world.clock.advance(2_000);
    world.crash();
    world.open();
    // As if the process died after the fire's commit but before the schedule's progress was written.
    world.gitops.putSchedule({ ...world.gitops.getSchedule(record.id)!, handledThrough: T0 });
    world.startScheduler();
    expect(world.started).toHaveLength(2);
    expect(world.store.claimOnce(FIRE_SCOPE, `${record.id}@${T0 + 1000}`, T0)).toBe(false);
  });
});

describe('Scheduler: catch-up after 5 s of downtime', () => {
  function downtime(catchUp: 'none' | 'last' | 'all'): string[] {
    const w = new SchedulerWorld(new VirtualClock(T0));
    world = w;
    w.schedule({ trigger: EVERY_SECOND, catchUp });
    w.startScheduler();
    w.clock.advance(2_000); // fires at +1, +2
    w.crash();
    w.clock.jump(T0 + 7_500); // down for 5.5 s: +3 … +7 were missed
    w.open();
    w.startScheduler();
    w.clock.advance(1_000); // +8 on time
    return w.fires().map((f) => iso(f.fireAt));
  }

  it('none: nothing missed runs, the schedule goes on', () => {
    expect(downtime('none')).toEqual([1, 2, 8].map(secondsAfter));
  });

  it('last: the last missed fire runs at once', () => {
    expect(downtime('last')).toEqual([1, 2, 7, 8].map(secondsAfter));
  });

  it('all: every missed fire runs, in order', () => {
    expect(downtime('all')).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(secondsAfter));
  });

  it('a missed fire that was started during catch-up starts at restart time', () => {
    const w = new SchedulerWorld(new VirtualClock(T0));
    world = w;
    w.schedule({ trigger: EVERY_SECOND, catchUp: 'last' });
    w.startScheduler();
    w.crash();
    w.clock.jump(T0 + 5_500);
    w.open();
    w.startScheduler();
    expect(w.started.map((s) => iso(s.at))).toEqual([iso(T0 + 5_500)]);
  });
});

describe('Scheduler: overlap', () => {
  it('skip: a fire while the last instance runs is skipped and recorded', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, overlap: 'skip' });
    world.startScheduler();
    world.clock.advance(3_000);
    world.end(world.started[0]!.instanceId);
    world.clock.advance(1_000);
    expect(world.fires().map((f) => f.outcome)).toEqual(['started', 'skipped', 'skipped', 'started']);
    expect(world.fires()[1]!.reason).toContain('still running');
  });

  it('queue: fires wait and start one by one as instances end', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, overlap: 'queue' });
    world.startScheduler();
    world.clock.advance(3_000);
    expect(world.fires().map((f) => f.outcome)).toEqual(['started', 'queued', 'queued']);
    world.end(world.started[0]!.instanceId);
    expect(world.fires().map((f) => f.outcome)).toEqual(['started', 'started', 'queued']);
    world.end(world.started[1]!.instanceId);
    expect(world.fires().map((f) => f.outcome)).toEqual(['started', 'started', 'started']);
  });

  it('queue: a full queue skips', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, overlap: 'queue' });
    world.startScheduler({ maxQueued: 2 });
    world.clock.advance(4_000);
    expect(world.fires().map((f) => f.outcome)).toEqual(['started', 'queued', 'queued', 'skipped']);
  });

  it('allow: instances overlap', () => {
    world = new SchedulerWorld(new VirtualClock(T0));
    world.schedule({ trigger: EVERY_SECOND, overlap: 'allow' });
    world.startScheduler();
    world.clock.advance(3_000);
    expect(world.started).toHaveLength(3);
  });
});

describe('Scheduler: daylight saving in Europe/Berlin', () => {
  it('spring forward: 02:30 does not exist on 2026-03-29 and does not run that day', () => {
    world = new SchedulerWorld(new VirtualClock(Date.parse('2026-03-27T12:00:00Z')));
    world.schedule({ trigger: { kind: 'cron', cron: '30 2 * * *', timezone: 'Europe/Berlin' } });
    world.startScheduler();
    world.clock.advanceTo(Date.parse('2026-03-31T12:00:00Z'));
    expect(world.fires().map((f) => iso(f.fireAt))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-30T00:30:00.000Z', // 02:30 CEST; the 29th has no 02:30
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('fall back: 02:30 occurs twice on 2026-10-25 and runs once, at the first', () => {
    world = new SchedulerWorld(new VirtualClock(Date.parse('2026-10-23T12:00:00Z')));
    world.schedule({ trigger: { kind: 'cron', cron: '30 2 * * *', timezone: 'Europe/Berlin' } });
    world.startScheduler();
    world.clock.advanceTo(Date.parse('2026-10-26T12:00:00Z'));
    expect(world.fires().map((f) => iso(f.fireAt))).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); the second (01:30Z, CET) does not run
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('an hourly schedule runs 23 times on the short day and 24 on the long one', () => {
    world = new SchedulerWorld(new VirtualClock(Date.parse('2026-03-28T23:00:00Z') - 1)); // just before local midnight
    world.schedule({ id: 'h', trigger: { kind: 'cron', cron: '0 * * * *', timezone: 'Europe/Berlin' } });
    world.startScheduler();
    world.clock.advanceTo(Date.parse('2026-03-29T22:00:00Z') - 1); // the local day ends at 22:00Z (CEST)
    expect(world.fires('h')).toHaveLength(23);
    world.crash();
    world = new SchedulerWorld(new VirtualClock(Date.parse('2026-10-24T22:00:00Z') - 1));
    world.schedule({ id: 'h', trigger: { kind: 'cron', cron: '0 * * * *', timezone: 'Europe/Berlin' } });
    world.startScheduler();
    world.clock.advanceTo(Date.parse('2026-10-25T23:00:00Z') - 1); // 25 hours of wall-clock day
    expect(world.fires('h')).toHaveLength(24);
  });
});
