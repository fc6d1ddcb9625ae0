import { describe, expect, it } from 'vitest';
import { daysInMonth, isTimeZone, offsetAt, resolveLocal, weekday, zonedParts } from '../../../src/schedule/zone.js';

const at = (iso: string) => Date.parse(iso);
const local = (year: number, month: number, day: number, hour: number, minute = 0) =>
  ({ year, month, day, hour, minute, second: 0, millisecond: 0 });

describe('zone', () => {
  it('reads offsets in winter and summer', () => {
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('gives the wall clock of an instant', () => {
    expect(zonedParts(at('2026-03-29T01:30:00.250Z'), 'Europe/Berlin')).toEqual(
      { year: 2026, month: 3, day: 29, hour: 3, minute: 30, second: 0, millisecond: 250 },
    );
    expect(zonedParts(at('2026-01-01T04:59:59Z'), 'America/New_York').day).toBe(31);
  });

  it('finds a spring-forward gap', () => {
    expect(resolveLocal(local(2026, 3, 29, 2, 30), 'Europe/Berlin')).toEqual(
      { kind: 'gap', shiftedAt: at('2026-03-29T01:30:00Z') }, // read as 03:30 CEST
    );
    expect(resolveLocal(local(2026, 3, 8, 2, 30), 'America/New_York').kind).toBe('gap');
  });

  it('finds both instants of a fall-back overlap', () => {
    expect(resolveLocal(local(2026, 10, 25, 2, 30), 'Europe/Berlin')).toEqual(
      { kind: 'overlap', earlier: at('2026-10-25T00:30:00Z'), later: at('2026-10-25T01:30:00Z') },
    );
    expect(resolveLocal(local(2026, 11, 1, 1, 30), 'America/New_York')).toEqual(
      { kind: 'overlap', earlier: at('2026-11-01T05:30:00Z'), later: at('2026-11-01T06:30:00Z') },
    );
  });

  it('resolves ordinary times once, on both sides of a transition', () => {
    expect(resolveLocal(local(2026, 3, 29, 1, 59), 'Europe/Berlin')).toEqual({ kind: 'unique', at: at('2026-03-29T00:59:00Z') });
    expect(resolveLocal(local(2026, 3, 29, 3, 0), 'Europe/Berlin')).toEqual({ kind: 'unique', at: at('2026-03-29T01:00:00Z') });
    expect(resolveLocal(local(2026, 10, 25, 3, 0), 'Europe/Berlin')).toEqual({ kind: 'unique', at: at('2026-10-25T02:00:00Z') });
  });

  it('knows calendars and zone names', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(weekday(2026, 2, 13)).toBe(5); // a Friday
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
