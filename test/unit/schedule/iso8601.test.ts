import { describe, expect, it } from 'vitest';
import {
  addDuration,
  parseDateTime,
  parseDuration,
  parseRepeatingInterval,
  type IsoDuration,
} from '../../../src/schedule/iso8601.js';
import type { Parsed } from '../../../src/schedule/parsed.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
const ZERO: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

function value<T>(r: Parsed<T>): T {
  if (!r.ok) throw new Error(`expected a value, got: ${r.message}`);
  return r.value;
}
function message(r: Parsed<unknown>): string {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.message;
}
const duration = (text: string) => value(parseDuration(text));

describe('parseDuration', () => {
  it.each([
    ['PT1S', 1000],
    ['PT10M', 10 * 60_000],
    ['P1DT2H', 26 * HOUR],
    ['P2W', 14 * 24 * HOUR],
    ['PT1.5S', 1500],
    ['PT0,25S', 250],
    ['PT1H30.5M', HOUR + 30.5 * 60_000],
    ['pt10m', 10 * 60_000],
    ['\n   PT10M  \n', 10 * 60_000],
    ['PT0S', 0],
  ])('%j is %i ms', (text, ms) => {
    expect(addDuration(0, duration(text))).toBe(ms);
  });

  it('keeps every component as written', () => {
    expect(duration('P1Y2M3W4DT5H6M7.5S')).toEqual(
      { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.5 },
    );
  });

  it.each([
    ['', /it is empty/],
    ['P', /it has no components/],
    ['PT', /"T" must be followed by hours, minutes or seconds/],
    ['P1H', /hours, minutes and seconds go after "T"/],
    ['15 minutes', /must start with "P"/],
    ['-PT1S', /negative durations are not allowed/],
    ['PT-1S', /negative durations are not allowed/],
    ['P1.5Y', /only hours, minutes and seconds may have a fraction/],
    ['P1.5D', /only hours, minutes and seconds may have a fraction/],
    ['P1S', /hours, minutes and seconds go after "T"/],
    ['PT1M1H', /units in that order/],
    ['PT1.5H30M', /only the last component may have a fraction/],
    ['P20000Y', /longer than 10,000 years/],
  ])('rejects %j', (text, why) => {
    const m = message(parseDuration(text));
    expect(m).toMatch(why);
    expect(m).toMatch(/is not an ISO 8601 duration: .*; e\.g\. PT15M/);
  });
});

describe('addDuration', () => {
  it('moves months on the calendar, clamping to the month end without drift', () => {
    const month = { ...ZERO, months: 1 };
    expect(iso(addDuration(at('2026-01-31T08:00:00Z'), month))).toBe('2026-02-28T08:00:00.000Z');
    expect(iso(addDuration(at('2026-01-31T08:00:00Z'), month, 2))).toBe('2026-03-31T08:00:00.000Z');
    expect(iso(addDuration(at('2024-02-29T00:00:00Z'), { ...ZERO, years: 1 }))).toBe('2025-02-28T00:00:00.000Z');
    expect(iso(addDuration(at('2026-01-01T00:00:00Z'), { ...ZERO, hours: 1 }, -2))).toBe('2025-12-31T22:00:00.000Z');
  });

  it('keeps the wall-clock time for days in a zone, but counts hours as elapsed time', () => {
    const sixInBerlin = at('2026-03-28T05:00:00Z'); // 06:00 CET, the day before spring forward
    expect(iso(addDuration(sixInBerlin, { ...ZERO, days: 1 }, 1, 'Europe/Berlin'))).toBe('2026-03-29T04:00:00.000Z');
    expect(iso(addDuration(sixInBerlin, { ...ZERO, hours: 24 }, 1, 'Europe/Berlin'))).toBe('2026-03-29T05:00:00.000Z');
    expect(iso(addDuration(sixInBerlin, { ...ZERO, days: 1 }))).toBe('2026-03-29T05:00:00.000Z'); // UTC
  });

  it('moves a wall-clock time that falls into a gap past the gap', () => {
    const halfPastTwo = at('2026-03-28T01:30:00Z'); // 02:30 CET; on the 29th 02:30 does not exist
    expect(iso(addDuration(halfPastTwo, { ...ZERO, days: 1 }, 1, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T10:00:00+02:00', '2026-01-01T08:00:00.000Z'],
    ['2026-01-01T10:00:00+0200', '2026-01-01T08:00:00.000Z'],
    ['2026-01-01T10:00:00+02', '2026-01-01T08:00:00.000Z'],
    ['2026-01-01T10:00:00-05:30', '2026-01-01T15:30:00.000Z'],
    ['2026-01-01T10:00:00', '2026-01-01T10:00:00.000Z'], // no offset: UTC
    ['2026-01-01T10:00', '2026-01-01T10:00:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.500Z'],
    ['2026-01-01t00:00:00.123456z', '2026-01-01T00:00:00.123Z'],
    ['2026-07-01T10:00:00[Europe/Berlin]', '2026-07-01T08:00:00.000Z'],
    ['2026-07-01T10:00:00+01:00[Europe/Berlin]', '2026-07-01T09:00:00.000Z'], // the offset wins
    ['2026-03-29T02:30:00[Europe/Berlin]', '2026-03-29T01:30:00.000Z'], // gap: 03:30 CEST
    ['2026-10-25T02:30:00[Europe/Berlin]', '2026-10-25T00:30:00.000Z'], // overlap: the first
  ])('reads %j', (text, expected) => {
    expect(iso(value(parseDateTime(text)))).toBe(expected);
  });

  it.each([
    ['2026-02-30', /day 30 does not exist in 2026-02/],
    ['2026-13-01T00:00:00Z', /month 13 does not exist/],
    ['2026-01-01T24:00:00Z', /between 00:00:00 and 23:59:59/],
    ['2026-01-01T10:00:00+25:00', /offset \+25:00 does not exist/],
    ['0026-01-01', /four digits, 1000 or later/],
    ['01/02/2026', /expected YYYY-MM-DD/],
    ['', /expected YYYY-MM-DD/],
    ['2026-01-01T10:00:00[Mars/Base]', /unknown time zone "Mars\/Base"/],
  ])('rejects %j', (text, why) => {
    const m = message(parseDateTime(text));
    expect(m).toMatch(why);
    expect(m).toMatch(/e\.g\. 2026-03-01T09:00:00Z/);
  });
});

describe('parseRepeatingInterval', () => {
  it('reads a count and an interval', () => {
    expect(value(parseRepeatingInterval('R3/PT10M'))).toEqual({ repetitions: 3, interval: { ...ZERO, minutes: 10 } });
    expect(value(parseRepeatingInterval(' r3/pt10m '))).toEqual({ repetitions: 3, interval: { ...ZERO, minutes: 10 } });
  });

  it('reads an unbounded series', () => {
    expect(value(parseRepeatingInterval('R/PT1H'))).toEqual({ repetitions: null, interval: { ...ZERO, hours: 1 } });
  });

  it('reads a start, an end, or both', () => {
    expect(value(parseRepeatingInterval('R3/2026-01-01T00:00:00Z/PT10M'))).toEqual(
      { repetitions: 3, interval: { ...ZERO, minutes: 10 }, startAt: at('2026-01-01T00:00:00Z') },
    );
    expect(value(parseRepeatingInterval('R2/PT1H/2026-01-01T12:00:00Z'))).toEqual(
      { repetitions: 2, interval: { ...ZERO, hours: 1 }, endAt: at('2026-01-01T12:00:00Z') },
    );
    expect(value(parseRepeatingInterval('R2/2026-01-01T00:00:00Z/2026-01-01T01:30:00Z'))).toEqual(
      { repetitions: 2, interval: { ...ZERO, seconds: 5400 }, startAt: at('2026-01-01T00:00:00Z') },
    );
  });

  it('keeps the zone of a zoned start, whose name holds a slash', () => {
    expect(value(parseRepeatingInterval('R/2026-01-01T06:00:00[Europe/Berlin]/P1D'))).toEqual({
      repetitions: null,
      interval: { ...ZERO, days: 1 },
      startAt: at('2026-01-01T05:00:00Z'),
      timeZone: 'Europe/Berlin',
    });
  });

  it.each([
    ['R0/PT1M', /count must be at least 1/],
    ['R/PT1H/2026-01-01T00:00:00Z', /needs a count/],
    ['R3/PT0S', /longer than zero/],
    ['R3/PT1M/PT2M', /two durations/],
    ['R3', /expected R\[n\]\/<interval>/],
    ['PT10M', /expected R\[n\]\/<interval>/],
    ['R3/2026-01-01T00:00:00Z', /a start date needs an interval/],
    ['R3/P1H', /hours, minutes and seconds go after "T"/],
    ['R3/PT1M/2026-02-30', /day 30 does not exist/],
    ['R2/2026-01-02T00:00:00Z/2026-01-01T00:00:00Z', /the end must come after the start/],
    ['R3/PT1M/2026-01-01/x', /one or two parts/],
  ])('rejects %j', (text, why) => {
    const m = message(parseRepeatingInterval(text));
    expect(m).toMatch(why);
    expect(m).toMatch(/is not an ISO 8601 repeating interval: .*; e\.g\. R3\/PT10M/);
    expect(m.match(/e\.g\./g)).toHaveLength(1);
  });
});
