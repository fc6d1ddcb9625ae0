/**
 * Cron expressions, compiled to plain data and searched field by field.
 *
 * Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds
 * first); `*`, `?` (same as `*`), lists, ranges, steps (`*\/5`, `1-10/2`, and
 * `5/15` meaning `5-59/15`), JAN-DEC and SUN-SAT in any case, Sunday as 0 or
 * 7, and @yearly @monthly @weekly @daily @hourly. Quartz's `L`, `W`, `#` and
 * a year field are refused with a message saying so.
 *
 * Day rule (Vixie cron): when day-of-month and day-of-week are both
 * restricted, a day matches if EITHER does (`0 0 13 * FRI` runs on every 13th
 * and every Friday). A field counts as unrestricted when it starts with `*`
 * or `?`, so `*\/2` is unrestricted and `0 0 *\/2 * MON` runs on odd-dated
 * Mondays only, exactly as crontab does.
 *
 * Daylight saving: the expression is read on the wall clock of its time
 * zone. A local time that does not exist that day (spring forward) does not
 * fire that day; a local time that occurs twice (fall back) fires once, at
 * its first occurrence. So `30 2 * * *` in Europe/Berlin skips 2026-03-29 and
 * fires once on 2026-10-25, and `0 * * * *` has no fire during the repeated
 * hour on fall-back night.
 */
import { PipelaneError } from '../errors.js';
import { fail, ok, type Parsed } from './parsed.js';
import { daysInMonth, isTimeZone, resolveLocal, unknownTimeZoneMessage, weekday, zonedParts } from './zone.js';

/** A compiled expression: sorted value lists, plain JSON. */
export interface CronSchedule {
  readonly source: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: readonly number[];
  readonly dayOfMonthIsWildcard: boolean;
  readonly dayOfWeekIsWildcard: boolean;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['', ...MONTH_NAMES] },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES },
];
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const EXAMPLE = 'e.g. "0 6 * * MON-FRI" (06:00 on weekdays) or "*/30 * * * * *" (every 30 seconds)';

/**
 * How far ahead a search looks before it calls an expression dead. Eight
 * years is the longest wait a valid expression can have: `0 0 29 2 *` fires
 * in 2096 and next in 2104 (2100 is not a leap year).
 */
export const SEARCH_YEARS = 8;

export function parseCron(expression: string): Parsed<CronSchedule> {
  const source = expression.trim();
  const bad = (why: string) => fail(`cron "${source}": ${why}; ${EXAMPLE}`);
  const text = source.startsWith('@') ? MACROS[source.toLowerCase()] : source;
  if (text === undefined) return bad(`unknown or unsupported macro; use ${Object.keys(MACROS).join(' ')}`);
  const fields = text.split(/\s+/);
  if (fields.length === 7) return bad('7 fields: a year field (Quartz) is not supported');
  if (fields.length !== 5 && fields.length !== 6) {
    return bad(`${fields.length} field(s); expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)`);
  }
  if (fields.length === 5) fields.unshift('0');
  const values: number[][] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const r = parseField(fields[i] ?? '', spec);
    if (!r.ok) return bad(r.message);
    values.push(r.value);
  }
  const [seconds = [], minutes = [], hours = [], daysOfMonth = [], months = [], daysOfWeek = []] = values;
  const isWildcard = (field: string | undefined) => field !== undefined && /^[*?]/.test(field);
  return ok({
    source,
    seconds,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: [...new Set(daysOfWeek.map((d) => d % 7))].sort((a, b) => a - b),
    dayOfMonthIsWildcard: isWildcard(fields[3]),
    dayOfWeekIsWildcard: isWildcard(fields[5]),
  });
}

function parseField(field: string, spec: FieldSpec): Parsed<number[]> {
  const bad = (why: string) => fail(`${spec.name} "${field}": ${why}`);
  if (field.includes('#')) return bad('"#" (nth weekday of the month) is not supported');
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [base = '', stepText, extra] = item.split('/');
    if (extra !== undefined) return bad(`"${item}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      step = /^\d+$/.test(stepText) ? Number(stepText) : 0;
      if (step < 1) return bad(`step "${stepText}" must be a whole number of at least 1`);
    }
    let from = spec.min;
    let to = spec.name === 'day of week' ? 6 : spec.max;
    if (base !== '*' && base !== '?') {
      const [fromText = '', toText, more] = base.split('-');
      if (more !== undefined) return bad(`"${base}" is not a range`);
      const a = parseValue(fromText, spec);
      if (!a.ok) return bad(a.message);
      from = a.value;
      if (toText !== undefined) {
        const b = parseValue(toText, spec);
        if (!b.ok) return bad(b.message);
        // SAT-SUN: Sunday closes a weekday range as 7.
        to = spec.name === 'day of week' && b.value === 0 && from > 0 ? 7 : b.value;
        if (to < from) return bad(`range ${base} runs backwards; write the smaller value first`);
      } else if (stepText === undefined) {
        to = from;
      } else {
        to = spec.max; // `5/15` is `5-max/15`, as most crons read it
      }
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return ok([...out].sort((a, b) => a - b));
}

function parseValue(text: string, spec: FieldSpec): Parsed<number> {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named > 0 || (named === 0 && upper !== '')) return ok(named);
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    if (v < spec.min || v > spec.max) return fail(`${v} is outside ${spec.min}-${spec.max}`);
    return ok(v);
  }
  if (/^(\d*L|LW|[A-Z]{3}L|\d+W)$/.test(upper)) return fail('"L" (last) and "W" (nearest weekday) are not supported');
  if (text === '') return fail('a value is missing');
  const names = spec.names === undefined ? '' : ` or ${spec.names.filter(Boolean)[0]}-${spec.names.at(-1)}`;
  return fail(`"${text}" is not a number from ${spec.min}-${spec.max}${names}`);
}

/** Does the calendar day match the day-of-month, month and day-of-week fields? */
export function cronMatchesDay(cron: CronSchedule, year: number, month: number, day: number): boolean {
  if (!cron.months.includes(month)) return false;
  const byDate = cron.daysOfMonth.includes(day);
  const byWeekday = cron.daysOfWeek.includes(weekday(year, month, day));
  return cron.dayOfMonthIsWildcard || cron.dayOfWeekIsWildcard ? byDate && byWeekday : byDate || byWeekday;
}

/** A search's answer and how much work it took (tests assert on `steps`). */
export interface CronSearch {
  readonly at: number | undefined;
  /** Calendar days and months looked at, plus wall-clock times resolved. */
  readonly steps: number;
}

/**
 * The first fire strictly after `afterMs`. Walks months, then days, then the
 * listed hours/minutes/seconds of matching days only, so a weekday schedule
 * costs a handful of steps, and gives up after SEARCH_YEARS.
 */
export function searchCron(cron: CronSchedule, afterMs: number, timeZone: string): CronSearch {
  const start = zonedParts(afterMs, timeZone);
  let steps = 0;
  let { year, month, day } = start;
  while (year <= start.year + SEARCH_YEARS) {
    steps++;
    if (cron.months.includes(month)) {
      for (day of candidateDays(cron, day, daysInMonth(year, month))) {
        steps++;
        if (!cronMatchesDay(cron, year, month, day)) continue;
        const isStartDay = year === start.year && month === start.month && day === start.day;
        for (const time of timesOfDay(cron, isStartDay ? start : undefined)) {
          steps++;
          const r = resolveLocal({ year, month, day, ...time, millisecond: 0 }, timeZone);
          if (r.kind === 'gap') continue; // spring forward: this time does not exist today
          const at = r.kind === 'unique' ? r.at : r.earlier; // fall back: the first occurrence only
          if (at > afterMs) return { at, steps };
        }
      }
    }
    const next = cron.months.find((m) => m > month);
    if (next === undefined) year++;
    month = next ?? cron.months[0] ?? 1;
    day = 1;
  }
  return { at: undefined, steps };
}

/**
 * The days from `from` to `last` worth checking. With day-of-week a
 * wildcard only the listed days of the month can match, so a month without
 * them (February for `0 0 30 2 *`) costs nothing.
 */
function candidateDays(cron: CronSchedule, from: number, last: number): number[] {
  if (cron.dayOfWeekIsWildcard) return cron.daysOfMonth.filter((d) => d >= from && d <= last);
  return Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => from + i);
}

/**
 * The listed times of a day in order; on the start day only those after its
 * wall-clock time. Skipping by local time is safe: an earlier local time's
 * first occurrence is never later than a later local time's.
 */
function* timesOfDay(
  cron: CronSchedule,
  after: { hour: number; minute: number; second: number } | undefined,
): Generator<{ hour: number; minute: number; second: number }> {
  for (const hour of cron.hours) {
    if (after !== undefined && hour < after.hour) continue;
    const sameHour = after !== undefined && hour === after.hour;
    for (const minute of cron.minutes) {
      if (sameHour && minute < after.minute) continue;
      const sameMinute = sameHour && minute === after.minute;
      for (const second of cron.seconds) {
        if (sameMinute && second <= after.second) continue;
        yield { hour, minute, second };
      }
    }
  }
}

/** Accepts the text or its compiled form; bad text or zone is a caller's bug, so it throws. */
export function compileCron(expression: string | CronSchedule, timeZone: string): CronSchedule {
  if (!isTimeZone(timeZone)) throw new PipelaneError('BAD_REQUEST', unknownTimeZoneMessage(timeZone));
  if (typeof expression !== 'string') return expression;
  const r = parseCron(expression);
  if (!r.ok) throw new PipelaneError('BAD_REQUEST', r.message);
  return r.value;
}

/** The next fire strictly after `afterMs` in `timeZone`, or undefined if none within SEARCH_YEARS. */
export function nextCronFire(expression: string | CronSchedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  return searchCron(compileCron(expression, timeZone), afterMs, timeZone).at;
}
