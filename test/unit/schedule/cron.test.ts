import { describe, expect, it } from 'vitest';
import { PipelaneError } from '../../../src/errors.js';
import { cronMatchesDay, nextCronFire, parseCron, searchCron, type CronSchedule } from '../../../src/schedule/cron.js';
import { nextFires } from '../../../src/schedule/fires.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function cron(expression: string): CronSchedule {
  const r = parseCron(expression);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}
function cronError(expression: string): string {
  const r = parseCron(expression);
  if (r.ok) throw new Error(`expected "${expression}" to be refused`);
  return r.message;
}
const next = (expression: string, after: string, timeZone = 'UTC') => iso(nextCronFire(expression, at(after), timeZone));
const fires = (expression: string, timeZone: string, after: string, n: number) =>
  nextFires(expression, timeZone, at(after), n).map((ms) => iso(ms));

describe('parseCron fields', () => {
  it('reads stars, lists, ranges and steps', () => {
    const c = cron('*/15 9-17 * * *');
    expect(c.seconds).toEqual([0]);
    expect(c.minutes).toEqual([0, 15, 30, 45]);
    expect(c.hours).toEqual(range(9, 17));
    expect(c.daysOfMonth).toEqual(range(1, 31));
    expect(c.months).toEqual(range(1, 12));
    expect(c.daysOfWeek).toEqual(range(0, 6));
    expect(cron('1-10/3 * * * *').minutes).toEqual([1, 4, 7, 10]);
    expect(cron('5/15 * * * *').minutes).toEqual([5, 20, 35, 50]);
    expect(cron('0,30,15 * * * *').minutes).toEqual([0, 15, 30]);
  });

  it('reads month and weekday names in any case', () => {
    const c = cron('0 9 * jan,Jul MON-fri');
    expect(c.months).toEqual([1, 7]);
    expect(c.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(cron('0 0 * JAN-MAR *').months).toEqual([1, 2, 3]);
    expect(cron('0 0 * * SAT-SUN').daysOfWeek).toEqual([0, 6]);
  });

  it('takes Sunday as 0 or 7', () => {
    expect(cron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(cron('0 0 * * 0,7').daysOfWeek).toEqual([0]);
    expect(cron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
  });

  it('reads a seconds field first when there are six fields', () => {
    const c = cron('30 0 6 * * *');
    expect([c.seconds, c.minutes, c.hours]).toEqual([[30], [0], [6]]);
  });

  it('reads ? as * and expands macros', () => {
    expect(cron('0 0 ? * MON')).toMatchObject({ daysOfMonth: range(1, 31), dayOfMonthIsWildcard: true });
    expect(cron('@daily')).toMatchObject({ minutes: [0], hours: [0], daysOfWeek: range(0, 6) });
    expect(cron('@weekly').daysOfWeek).toEqual([0]);
  });

  it('marks a day field as a wildcard when it starts with * (Vixie)', () => {
    expect(cron('0 0 */2 * MON')).toMatchObject({ dayOfMonthIsWildcard: true, dayOfWeekIsWildcard: false });
    expect(cron('0 0 1-31 * MON')).toMatchObject({ dayOfMonthIsWildcard: false, dayOfWeekIsWildcard: false });
  });

  it('is plain JSON', () => {
    const c = cron('0 6 * * MON-FRI');
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });
});

describe('parseCron refuses', () => {
  it.each([
    ['* * * *', /4 field\(s\); expected 5 \(minute hour day-of-month month day-of-week\) or 6/],
    ['', /1 field\(s\)/],
    ['0 0 12 * * ? 2026', /a year field \(Quartz\) is not supported/],
    ['60 * * * *', /minute "60": 60 is outside 0-59/],
    ['0 24 * * *', /hour "24": 24 is outside 0-23/],
    ['0 0 0 * *', /day of month "0": 0 is outside 1-31/],
    ['0 0 * 13 *', /month "13": 13 is outside 1-12/],
    ['0 0 * * 8', /day of week "8": 8 is outside 0-7/],
    ['*/0 * * * *', /step "0" must be a whole number of at least 1/],
    ['5-1 * * * *', /range 5-1 runs backwards/],
    ['1,,2 * * * *', /a value is missing/],
    ['1/2/3 * * * *', /more than one "\/"/],
    ['0 0 L * *', /"L" \(last\) and "W" \(nearest weekday\) are not supported/],
    ['0 0 ? * 5L', /"L" \(last\)/],
    ['0 0 15W * *', /"W" \(nearest weekday\)/],
    ['0 0 ? * 5#3', /"#" \(nth weekday of the month\) is not supported/],
    ['0 0 * * MOX', /"MOX" is not a number from 0-7 or SUN-SAT/],
    ['0 0 * FOO *', /"FOO" is not a number from 1-12 or JAN-DEC/],
    ['@reboot', /unknown or unsupported macro/],
  ])('%j', (expression, why) => {
    const m = cronError(expression);
    expect(m).toMatch(why);
    expect(m).toMatch(/; e\.g\. "0 6 \* \* MON-FRI"/);
  });
});

describe('nextCronFire', () => {
  it('fires strictly after the given instant', () => {
    expect(next('*/5 * * * *', '2026-04-01T10:02:30Z')).toBe('2026-04-01T10:05:00.000Z');
    expect(next('*/5 * * * *', '2026-04-01T10:05:00Z')).toBe('2026-04-01T10:10:00.000Z');
    expect(next('0 * * * * *', '2026-04-01T10:00:00.001Z')).toBe('2026-04-01T10:01:00.000Z');
  });

  it('honours the seconds field', () => {
    expect(next('*/15 * * * * *', '2026-04-01T00:00:07Z')).toBe('2026-04-01T00:00:15.000Z');
    expect(next('30 0 6 * * *', '2026-04-01T06:00:30Z')).toBe('2026-04-02T06:00:30.000Z');
  });

  it('rolls over months and years', () => {
    expect(next('0 0 1 1 *', '2026-06-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 31 * *', '2026-04-01T00:00:00Z')).toBe('2026-05-31T00:00:00.000Z');
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('finds a leap day eight years away (2100 is not a leap year)', () => {
    expect(next('0 0 29 2 *', '2096-03-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
  });

  it('matches a day when EITHER restricted day field matches', () => {
    // April 2026: Fridays are the 3rd, 10th and 17th; the 13th is a Monday.
    expect(fires('0 0 13 * FRI', 'UTC', '2026-03-31T00:00:00Z', 4)).toEqual([
      '2026-04-03T00:00:00.000Z',
      '2026-04-10T00:00:00.000Z',
      '2026-04-13T00:00:00.000Z',
      '2026-04-17T00:00:00.000Z',
    ]);
    expect(next('0 0 13 * *', '2026-03-31T00:00:00Z')).toBe('2026-04-13T00:00:00.000Z');
    expect(next('0 0 * * FRI', '2026-03-31T00:00:00Z')).toBe('2026-04-03T00:00:00.000Z');
  });

  it('needs both day fields when one starts with * (Vixie)', () => {
    // Mondays in April 2026 are the 6th, 13th, 20th, 27th; */2 keeps odd dates.
    expect(fires('0 0 */2 * MON', 'UTC', '2026-04-01T00:00:00Z', 2)).toEqual([
      '2026-04-13T00:00:00.000Z',
      '2026-04-27T00:00:00.000Z',
    ]);
  });

  it('checks days directly', () => {
    const c = cron('0 0 13 * FRI');
    expect(cronMatchesDay(c, 2026, 4, 13)).toBe(true); // the 13th, a Monday
    expect(cronMatchesDay(c, 2026, 4, 10)).toBe(true); // a Friday
    expect(cronMatchesDay(c, 2026, 4, 14)).toBe(false);
  });

  it('fires on Sunday for 0 and for 7', () => {
    expect(next('0 0 * * 0', '2026-04-01T00:00:00Z')).toBe('2026-04-05T00:00:00.000Z');
    expect(next('0 0 * * 7', '2026-04-01T00:00:00Z')).toBe('2026-04-05T00:00:00.000Z');
    expect(next('0 0 * * SUN', '2026-04-01T00:00:00Z')).toBe('2026-04-05T00:00:00.000Z');
  });

  it('reads the expression on the wall clock of its zone', () => {
    // Friday 2026-01-09 08:00 in Berlin: the next weekday 06:00 is Monday's.
    expect(next('0 6 * * MON-FRI', '2026-01-09T07:00:00Z', 'Europe/Berlin')).toBe('2026-01-12T05:00:00.000Z');
    expect(next('0 6 * * MON-FRI', '2026-07-09T07:00:00Z', 'Europe/Berlin')).toBe('2026-07-10T04:00:00.000Z');
    expect(next('0 0 * * *', '2026-01-01T04:30:00Z', 'America/New_York')).toBe('2026-01-01T05:00:00.000Z');
  });

  it('skips by field instead of stepping minute by minute', () => {
    const weekdays = searchCron(cron('0 6 * * 1-5'), at('2026-01-09T07:00:00Z'), 'Europe/Berlin');
    expect(iso(weekdays.at)).toBe('2026-01-12T05:00:00.000Z');
    expect(weekdays.steps).toBeLessThan(20);
    const everySecond = searchCron(cron('* * * * * *'), at('2026-01-09T23:59:58.5Z'), 'UTC');
    expect(iso(everySecond.at)).toBe('2026-01-09T23:59:59.000Z');
    expect(everySecond.steps).toBeLessThan(5);
  });

  it('gives up on an expression that never matches, after a bounded search', () => {
    for (const expression of ['0 0 30 2 *', '0 0 31 4,6,9,11 *']) {
      const r = searchCron(cron(expression), at('2026-01-01T00:00:00Z'), 'Europe/Berlin');
      expect(r.at).toBeUndefined();
      expect(r.steps).toBeLessThan(100);
    }
    expect(nextCronFire('0 0 30 2 *', 0)).toBeUndefined();
  });

  it('throws a typed error for text it cannot read (validate with parseCron first)', () => {
    expect(() => nextCronFire('nope', 0)).toThrow(/cron "nope": 1 field/);
    expect(() => nextCronFire('* * * * *', 0, 'Mars/Base')).toThrow(/unknown time zone "Mars\/Base"/);
    try {
      nextCronFire('nope', 0);
    } catch (err) {
      expect(err).toBeInstanceOf(PipelaneError);
      expect((err as PipelaneError).code).toBe('BAD_REQUEST');
    }
  });
});

describe('daylight saving', () => {
  describe('Europe/Berlin (2026-03-29 02:00→03:00, 2026-10-25 03:00→02:00)', () => {
    it('does not fire a time that does not exist that day', () => {
      expect(next('30 2 * * *', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-30T00:30:00.000Z');
      expect(next('30 30 2 * * *', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-30T00:30:30.000Z');
    });

    it('runs hourly schedules straight across the gap', () => {
      expect(fires('0 * * * *', 'Europe/Berlin', '2026-03-28T23:30:00Z', 3)).toEqual([
        '2026-03-29T00:00:00.000Z', // 01:00 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST
        '2026-03-29T02:00:00.000Z', // 04:00 CEST
      ]);
    });

    it('fires a repeated time once, at its first occurrence', () => {
      expect(fires('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST; not again at 02:30 CET
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('has no fire in the repeated hour', () => {
      expect(fires('0 * * * *', 'Europe/Berlin', '2026-10-24T23:30:00Z', 3)).toEqual([
        '2026-10-25T00:00:00.000Z', // 02:00 CEST
        '2026-10-25T02:00:00.000Z', // 03:00 CET; 02:00 CET (01:00Z) is a repeat
        '2026-10-25T03:00:00.000Z',
      ]);
    });

    it('does not fire again when asked from inside the repeated hour', () => {
      // 01:30Z is 02:30 CET, the second pass; 02:45 first came at 00:45Z.
      expect(next('45 2 * * *', '2026-10-25T01:30:00Z', 'Europe/Berlin')).toBe('2026-10-26T01:45:00.000Z');
      expect(next('* * * * *', '2026-10-25T01:10:00Z', 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
    });
  });

  describe('America/New_York (2026-03-08 02:00→03:00, 2026-11-01 02:00→01:00)', () => {
    it('does not fire a time that does not exist that day', () => {
      expect(fires('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
        '2026-03-09T06:30:00.000Z', // 02:30 EDT; none on the 8th
        '2026-03-10T06:30:00.000Z',
      ]);
    });

    it('keeps the wall-clock time across the change', () => {
      expect(fires('0 6 * * *', 'America/New_York', '2026-03-07T00:00:00Z', 2)).toEqual([
        '2026-03-07T11:00:00.000Z', // 06:00 EST
        '2026-03-08T10:00:00.000Z', // 06:00 EDT
      ]);
    });

    it('fires a repeated time once, at its first occurrence', () => {
      expect(fires('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
        '2026-11-01T05:30:00.000Z', // 01:30 EDT; not again at 01:30 EST
        '2026-11-02T06:30:00.000Z',
      ]);
    });
  });
});
