import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../src/schedule/cron.js';
import { firesBetween, nextFires } from '../../../src/schedule/fires.js';

const at = (iso: string) => Date.parse(iso);
const isos = (list: number[]) => list.map((ms) => new Date(ms).toISOString());

describe('firesBetween', () => {
  it('lists a week of weekday fires in Berlin', () => {
    const week = firesBetween('0 6 * * MON-FRI', 'Europe/Berlin', at('2026-01-11T00:00:00Z'), at('2026-01-18T00:00:00Z'), 100);
    expect(isos(week)).toEqual([
      '2026-01-12T05:00:00.000Z',
      '2026-01-13T05:00:00.000Z',
      '2026-01-14T05:00:00.000Z',
      '2026-01-15T05:00:00.000Z',
      '2026-01-16T05:00:00.000Z',
    ]);
  });

  it('excludes the start of the window and includes its end', () => {
    expect(isos(firesBetween('0 * * * *', 'UTC', at('2026-04-01T10:00:00Z'), at('2026-04-01T12:00:00Z'), 10))).toEqual([
      '2026-04-01T11:00:00.000Z',
      '2026-04-01T12:00:00.000Z',
    ]);
  });

  it('stops at the limit, oldest first', () => {
    const from = at('2026-04-01T00:00:00Z');
    const to = at('2026-04-02T00:00:00Z');
    expect(isos(firesBetween('*/10 * * * *', 'UTC', from, to, 3))).toEqual([
      '2026-04-01T00:10:00.000Z',
      '2026-04-01T00:20:00.000Z',
      '2026-04-01T00:30:00.000Z',
    ]);
    expect(firesBetween('*/10 * * * *', 'UTC', from, to, 1000)).toHaveLength(144);
    expect(firesBetween('*/10 * * * *', 'UTC', from, to, 0)).toEqual([]);
  });

  it('counts fall-back night in Berlin: six hours, five fires', () => {
    const night = firesBetween('0 * * * *', 'Europe/Berlin', at('2026-10-24T22:00:00Z'), at('2026-10-25T04:00:00Z'), 50);
    expect(isos(night)).toEqual([
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T03:00:00.000Z',
      '2026-10-25T04:00:00.000Z',
    ]);
  });

  it('is empty for an expression that never matches', () => {
    expect(firesBetween('0 0 30 2 *', 'UTC', 0, at('2100-01-01T00:00:00Z'), 10)).toEqual([]);
  });

  it('throws a typed error for an unreadable expression', () => {
    expect(() => firesBetween('0 0 L * *', 'UTC', 0, 1, 1)).toThrow(/"L" \(last\)/);
  });
});

describe('nextFires', () => {
  it('gives the next n fires', () => {
    expect(isos(nextFires('0 0 29 2 *', 'UTC', at('2026-01-01T00:00:00Z'), 3))).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
      '2036-02-29T00:00:00.000Z',
    ]);
  });

  it('accepts a compiled schedule', () => {
    const compiled = parseCron('30 0 6 * * *');
    if (!compiled.ok) throw new Error(compiled.message);
    expect(isos(nextFires(compiled.value, 'America/New_York', at('2026-03-07T00:00:00Z'), 2))).toEqual([
      '2026-03-07T11:00:30.000Z',
      '2026-03-08T10:00:30.000Z',
    ]);
  });

  it('returns fewer when the expression stops matching', () => {
    expect(nextFires('0 0 30 2 *', 'UTC', 0, 3)).toEqual([]);
  });
});
