import { describe, expect, it } from 'vitest';
import { dueFires, lastFireIn, MAX_CATCH_UP } from '../../../src/schedule/scheduler-catch-up.js';
import { compileTrigger, type CompiledTrigger } from '../../../src/schedule/scheduler-triggers.js';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const s = (n: number) => T0 + n * 1000;

function trigger(t: Parameters<typeof compileTrigger>[0], anchor = T0): CompiledTrigger {
  const r = compileTrigger(t, anchor);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}
const everySecond = trigger({ kind: 'cron', cron: '* * * * * *', timezone: 'UTC' });

describe('dueFires', () => {
  it('runs on-time fires and decides everything up to now', () => {
    expect(dueFires({ trigger: everySecond, handledThrough: s(0), missedThrough: s(0), now: s(2), catchUp: 'none' })).toEqual({
      run: [s(1), s(2)],
      dropped: 0,
      handledThrough: s(2),
    });
  });

  it.each([
    ['none', [s(6)], 5],
    ['last', [s(5), s(6)], 0],
    ['all', [s(1), s(2), s(3), s(4), s(5), s(6)], 0],
  ] as const)('catchUp %s after missing five fires', (catchUp, run, dropped) => {
    const due = dueFires({ trigger: everySecond, handledThrough: s(0), missedThrough: s(5.5), now: s(6), catchUp });
    expect(due.run.map(iso)).toEqual(run.map(iso));
    expect(due.dropped).toBe(dropped);
  });

  it('never reaches back before what was handled', () => {
    const due = dueFires({ trigger: everySecond, handledThrough: s(4), missedThrough: s(2), now: s(5), catchUp: 'all' });
    expect(due.run).toEqual([s(5)]);
  });

  it('replays at most MAX_CATCH_UP missed fires under all, the oldest first', () => {
    const due = dueFires({ trigger: everySecond, handledThrough: s(0), missedThrough: s(5000), now: s(5000), catchUp: 'all' });
    expect(due.run).toHaveLength(MAX_CATCH_UP);
    expect(due.run[0]).toBe(s(1));
    expect(due.dropped).toBe(1);
  });
});

describe('lastFireIn', () => {
  it('finds the last fire of a week-long backlog of a per-second schedule at once', () => {
    let calls = 0;
    const counting: CompiledTrigger = { between: everySecond.between, next: (after) => (calls++, everySecond.next(after)) };
    expect(lastFireIn(counting, s(0), s(7 * 86_400 + 0.5))).toBe(s(7 * 86_400));
    expect(calls).toBeLessThan(5);
  });

  it('finds a daily fire days back, and none in an empty window', () => {
    const daily = trigger({ kind: 'cron', cron: '0 6 * * *', timezone: 'Europe/Berlin' });
    expect(iso(lastFireIn(daily, Date.parse('2026-05-01T00:00:00Z'), Date.parse('2026-05-03T03:00:00Z'))!)).toBe('2026-05-02T04:00:00.000Z');
    expect(lastFireIn(daily, Date.parse('2026-05-03T05:00:00Z'), Date.parse('2026-05-03T06:00:00Z'))).toBeUndefined();
  });
});

describe('compileTrigger', () => {
  it('timeCycle without a start counts from the anchor and stops after its repetitions', () => {
    const t = trigger({ kind: 'timer', timer: 'timeCycle', expression: 'R2/PT1H' });
    expect(t.between(T0, T0 + 10 * 3_600_000, 10).map(iso)).toEqual([iso(T0 + 3_600_000), iso(T0 + 7_200_000)]);
    expect(t.next(T0 + 7_200_000)).toBeUndefined();
  });

  it('timeCycle with a start date keeps its own series, whatever the anchor', () => {
    const t = trigger({ kind: 'timer', timer: 'timeCycle', expression: 'R/2026-05-01T00:00:00Z/P1D' }, T0);
    expect(iso(t.next(T0)!)).toBe('2026-05-05T00:00:00.000Z');
  });

  it('timeCycle as cron, and timeDate once', () => {
    expect(iso(trigger({ kind: 'timer', timer: 'timeCycle', expression: '0 0 12 * * ?' }).next(T0)!)).toBe('2026-05-04T12:00:00.000Z');
    const once = trigger({ kind: 'timer', timer: 'timeDate', expression: '2026-05-04T11:00:00Z' });
    expect(once.between(T0, T0 + 86_400_000, 5).map(iso)).toEqual(['2026-05-04T11:00:00.000Z']);
    expect(once.next(T0 + 86_400_000)).toBeUndefined();
  });

  it('refuses a timer computed at run time, saying what to write', () => {
    const r = compileTrigger({ kind: 'timer', timer: 'timeCycle', expression: '=cycle' }, T0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('needs a fixed value');
  });
});
