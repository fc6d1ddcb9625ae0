import { describe, expect, it } from 'vitest';
import type { Parsed } from '../../../src/schedule/parsed.js';
import { nextDueAt, timerSchedule, type TimerKind, type TimerSchedule } from '../../../src/schedule/timer.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const MINUTE = 60_000;
const STARTED = at('2026-04-01T10:00:00Z');

function timer(kind: TimerKind, value: string, startedAt = STARTED, timeZone?: string): TimerSchedule {
  const r = timerSchedule(kind, value, startedAt, timeZone);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}
function refusal(r: Parsed<TimerSchedule>): string {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  return r.message;
}
/** Every due time of a timer, driven the way the engine drives it. */
function dues(t: TimerSchedule, max = 10): (string | undefined)[] {
  const out = [iso(t.firstDueAt)];
  let previous = t.firstDueAt;
  for (let fired = 1; fired < max; fired++) {
    const due = nextDueAt(t, previous, fired);
    if (due === undefined) break;
    out.push(iso(due));
    previous = due;
  }
  return out;
}

describe('timeDuration', () => {
  it('is due that long after the timer started, once', () => {
    const t = timer('timeDuration', 'PT15M');
    expect(t).toEqual({ kind: 'once', source: 'PT15M', firstDueAt: STARTED + 15 * MINUTE });
    expect(nextDueAt(t, t.firstDueAt, 1)).toBeUndefined();
  });

  it('counts days on the calendar of the zone', () => {
    const sixInBerlin = at('2026-03-28T05:00:00Z');
    expect(iso(timer('timeDuration', 'P1D', sixInBerlin, 'Europe/Berlin').firstDueAt)).toBe('2026-03-29T04:00:00.000Z');
    expect(iso(timer('timeDuration', 'PT24H', sixInBerlin, 'Europe/Berlin').firstDueAt)).toBe('2026-03-29T05:00:00.000Z');
  });
});

describe('timeDate', () => {
  it('is due at the date, once', () => {
    const t = timer('timeDate', '2026-05-01T09:00:00+02:00');
    expect(iso(t.firstDueAt)).toBe('2026-05-01T07:00:00.000Z');
    expect(nextDueAt(t, t.firstDueAt, 1)).toBeUndefined();
  });

  it('keeps a date that has passed, so the timer fires at once', () => {
    expect(iso(timer('timeDate', '2026-01-01T00:00:00Z').firstDueAt)).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('timeCycle with an ISO repeating interval', () => {
  it('fires after each interval, as many times as counted', () => {
    const t = timer('timeCycle', 'R3/PT10M');
    expect(dues(t)).toEqual(['2026-04-01T10:10:00.000Z', '2026-04-01T10:20:00.000Z', '2026-04-01T10:30:00.000Z']);
    expect(nextDueAt(t, t.firstDueAt, 3)).toBeUndefined();
  });

  it('never ends without a count', () => {
    const t = timer('timeCycle', 'R/PT1H');
    expect(dues(t, 100)).toHaveLength(100);
    expect(iso(nextDueAt(t, 0, 1000))).toBe(iso(STARTED + 1001 * 60 * MINUTE));
  });

  it('fires first at a start date still ahead', () => {
    const t = timer('timeCycle', 'R3/2026-05-01T00:00:00Z/PT10M');
    expect(dues(t)).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T00:10:00.000Z', '2026-05-01T00:20:00.000Z']);
  });

  it('joins a dated series that has begun, with the passed occurrences used up', () => {
    const series = 'R3/2026-04-01T09:45:00Z/PT10M'; // 09:45, 09:55, 10:05
    expect(dues(timer('timeCycle', series))).toEqual(['2026-04-01T10:05:00.000Z']);
    expect(dues(timer('timeCycle', series, at('2026-04-01T09:55:00Z')))).toEqual(
      ['2026-04-01T09:55:00.000Z', '2026-04-01T10:05:00.000Z'],
    );
  });

  it('refuses a dated series that ended before the timer started', () => {
    expect(refusal(timerSchedule('timeCycle', 'R3/2026-04-01T09:00:00Z/PT10M', STARTED))).toMatch(
      /all 3 occurrence\(s\) ended before the timer started \(the last was 2026-04-01T09:20:00.000Z\)/,
    );
  });

  it('ends at an end date', () => {
    expect(dues(timer('timeCycle', 'R2/PT1H/2026-04-01T14:00:00Z'))).toEqual(
      ['2026-04-01T13:00:00.000Z', '2026-04-01T14:00:00.000Z'],
    );
  });

  it('takes its interval from a start and an end', () => {
    expect(dues(timer('timeCycle', 'R2/2026-05-01T00:00:00Z/2026-05-01T01:30:00Z'))).toEqual(
      ['2026-05-01T00:00:00.000Z', '2026-05-01T01:30:00.000Z'],
    );
  });

  it('stays on the 31st where months allow, however late it fires', () => {
    const t = timer('timeCycle', 'R4/2026-05-31T00:00:00Z/P1M');
    expect(dues(t)).toEqual([
      '2026-05-31T00:00:00.000Z',
      '2026-06-30T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
      '2026-08-31T00:00:00.000Z',
    ]);
    expect(iso(nextDueAt(t, at('2026-06-02T00:00:00Z'), 1))).toBe('2026-06-30T00:00:00.000Z');
  });

  it('keeps a daily wall-clock time across DST in the zone of its start', () => {
    const expected = ['2026-03-28T05:00:00.000Z', '2026-03-29T04:00:00.000Z', '2026-03-30T04:00:00.000Z'];
    expect(dues(timer('timeCycle', 'R3/2026-03-28T06:00:00[Europe/Berlin]/P1D', at('2026-03-01T00:00:00Z')))).toEqual(expected);
    expect(dues(timer('timeCycle', 'R3/2026-03-28T05:00:00Z/P1D', at('2026-03-01T00:00:00Z'), 'Europe/Berlin'))).toEqual(expected);
  });
});

describe('timeCycle with cron', () => {
  it('fires at each cron fire in the zone', () => {
    const fridayMorning = at('2026-01-09T07:00:00Z'); // 08:00 in Berlin
    const t = timer('timeCycle', '0 6 * * MON-FRI', fridayMorning, 'Europe/Berlin');
    expect(dues(t, 3)).toEqual(['2026-01-12T05:00:00.000Z', '2026-01-13T05:00:00.000Z', '2026-01-14T05:00:00.000Z']);
  });

  it('reads six fields with seconds first', () => {
    expect(dues(timer('timeCycle', '*/30 * * * * *'), 3)).toEqual(
      ['2026-04-01T10:00:30.000Z', '2026-04-01T10:01:00.000Z', '2026-04-01T10:01:30.000Z'],
    );
  });

  it('refuses an expression that never matches', () => {
    expect(refusal(timerSchedule('timeCycle', '0 0 30 2 *', STARTED))).toMatch(/matches no date in the next 8 years/);
  });
});

describe('stored as JSON', () => {
  it.each([
    ['timeDuration', 'PT15M'],
    ['timeCycle', 'R/PT10M'],
    ['timeCycle', 'R/2026-03-28T06:00:00[Europe/Berlin]/P1D'], // joined late: firstIndex 5
    ['timeCycle', '0 6 * * MON-FRI'],
  ] as const)('%s %s survives a round trip', (kind, value) => {
    const t = timer(kind, value, STARTED, 'Europe/Berlin');
    const stored = JSON.parse(JSON.stringify(t)) as TimerSchedule;
    expect(stored).toEqual(t);
    expect(nextDueAt(stored, t.firstDueAt, 2)).toBe(nextDueAt(t, t.firstDueAt, 2));
  });
});

describe('invalid definitions', () => {
  it.each([
    ['timeDuration', 'PT', /"T" must be followed by hours/, /a valid timeDuration is e\.g\. PT15M/],
    ['timeDuration', '15 minutes', /must start with "P"/, /a valid timeDuration is e\.g\. PT15M/],
    ['timeDuration', '   ', /the definition is empty/, /PT15M/],
    ['timeDate', '2026-02-30T00:00:00Z', /day 30 does not exist/, /a valid timeDate is e\.g\. 2026-03-01T09:00:00Z/],
    ['timeDate', 'tomorrow', /expected YYYY-MM-DD/, /2026-03-01T09:00:00Z/],
    ['timeCycle', 'every day', /neither an ISO 8601 repeating interval \(R…\) nor a valid cron expression/, /R3\/PT10M/],
    ['timeCycle', 'R0/PT1M', /count must be at least 1/, /R3\/PT10M/],
    ['timeCycle', 'R/PT0S', /longer than zero/, /R3\/PT10M/],
    ['timeCycle', '0 0 L * *', /"L" \(last\)/, /cron "0 6 \* \* MON-FRI"/],
  ] as const)('%s %j is refused, with an example', (kind, value, why, example) => {
    const m = refusal(timerSchedule(kind, value, STARTED));
    expect(m.startsWith(`${kind} "${value.trim()}": `)).toBe(true);
    expect(m).toMatch(why);
    expect(m).toMatch(example);
    expect(m.match(/e\.g\./g)).toHaveLength(1);
  });

  it('refuses an unknown zone or kind without throwing', () => {
    expect(refusal(timerSchedule('timeCycle', '0 6 * * *', STARTED, 'Mars/Base'))).toMatch(/unknown time zone "Mars\/Base"/);
    expect(refusal(timerSchedule('timeLater' as TimerKind, 'PT1M', STARTED))).toMatch(
      /unknown timer kind "timeLater": use timeDuration, timeDate or timeCycle/,
    );
  });
});
