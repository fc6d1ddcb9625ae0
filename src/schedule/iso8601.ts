/**
 * ISO 8601 as BPMN timer definitions use it: durations (timeDuration), dates
 * (timeDate) and repeating intervals (timeCycle). Values come back typed;
 * bad text comes back as a message with a valid example, never as a throw.
 */
import { fail, ok, type Parsed } from './parsed.js';
import { daysInMonth, isTimeZone, resolveLocal, unknownTimeZoneMessage, utcMs, zonedParts } from './zone.js';

/** Each component as written; only hours, minutes and seconds may be fractional. */
export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/**
 * `R<n>/…`: `repetitions` occurrences `interval` apart (null: unbounded).
 * With `startAt` the first occurrence is the start; with `endAt` the last
 * occurrence is the end; with neither the series starts when the timer does.
 */
export interface RepeatingInterval {
  readonly repetitions: number | null;
  readonly interval: IsoDuration;
  readonly startAt?: number;
  readonly endAt?: number;
  /** From a `[Europe/Berlin]` suffix on the start or end: the calendar days are counted in. */
  readonly timeZone?: string;
}

const DURATION_EXAMPLE = 'e.g. PT15M (15 minutes), P1DT2H (1 day 2 hours) or PT0.5S';
const DATE_EXAMPLE = 'e.g. 2026-03-01T09:00:00Z, 2026-03-01T10:00:00+01:00 or 2026-03-01';
const CYCLE_EXAMPLE = 'e.g. R3/PT10M, R/P1D, R5/2026-03-01T09:00:00Z/PT1H or R2/PT1H/2026-03-01T09:00:00Z';

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
    `(?:(T)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const COMPONENTS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
/** Past this a duration is a typo, and date arithmetic would leave the valid range. */
const MAX_DURATION_MS = 10_000 * 365.25 * 86_400_000;

export function parseDuration(text: string): Parsed<IsoDuration> {
  const source = text.trim().toUpperCase();
  const bad = (why: string) => fail(`"${text.trim()}" is not an ISO 8601 duration: ${why}; ${DURATION_EXAMPLE}`);
  if (source === '') return bad('it is empty');
  if (source.includes('-')) return bad('negative durations are not allowed');
  if (!source.startsWith('P')) return bad('it must start with "P"');
  const m = DURATION.exec(source);
  if (m === null) {
    if (!source.includes('T') && /[HS]/.test(source)) return bad('hours, minutes and seconds go after "T" (PT1H30M)');
    return bad('expected P[n]Y[n]M[n]W[n]D[T[n]H[n]M[n]S], units in that order, a fraction only on H, M or S after "T"');
  }
  const raw = [m[1], m[2], m[3], m[4], m[6], m[7], m[8]];
  if (m[5] !== undefined && raw.slice(4).every((v) => v === undefined)) return bad('"T" must be followed by hours, minutes or seconds');
  if (raw.every((v) => v === undefined)) return bad('it has no components');
  const lastWritten = raw.findLastIndex((v) => v !== undefined);
  const fractional = raw.findIndex((v) => v !== undefined && /[.,]/.test(v));
  if (fractional >= 0 && fractional < 4) return bad('only hours, minutes and seconds may have a fraction (PT36H, not P1.5D)');
  if (fractional >= 0 && fractional !== lastWritten) {
    return bad('only the last component may have a fraction (PT1H30.5M, not PT1.5H30M)');
  }
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v.replace(',', '.')));
  const duration: IsoDuration = {
    years: n(m[1]), months: n(m[2]), weeks: n(m[3]), days: n(m[4]), hours: n(m[6]), minutes: n(m[7]), seconds: n(m[8]),
  };
  if (approximateMs(duration) > MAX_DURATION_MS) return bad('it is longer than 10,000 years');
  return ok(duration);
}

function approximateMs(d: IsoDuration): number {
  const days = d.years * 365.25 + d.months * 30.44 + d.weeks * 7 + d.days;
  return days * 86_400_000 + fixedMs(d);
}

/** The hours, minutes and seconds part, which is the same length everywhere. */
function fixedMs(d: IsoDuration): number {
  return Math.round((d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000);
}

export function isZeroDuration(d: IsoDuration): boolean {
  return COMPONENTS.every((name) => d[name] === 0);
}

/**
 * `atMs` plus `times` × the duration. Years, months, weeks and days move the
 * date on the calendar of `timeZone` and keep the wall-clock time (P1D from
 * 06:00 is 06:00 the next day even across a DST change; Jan 31 + P1M is
 * Feb 28); hours, minutes and seconds are elapsed time. That is java.time's
 * Period + Duration, which Camunda and Zeebe use. Multiplying instead of
 * adding repeatedly keeps a series free of drift (Jan 31, Feb 28, Mar 31).
 * A wall-clock time the new date skips is moved past the gap; one it repeats
 * takes the earlier instant.
 */
export function addDuration(atMs: number, d: IsoDuration, times = 1, timeZone = 'UTC'): number {
  const months = (d.years * 12 + d.months) * times;
  const days = (d.weeks * 7 + d.days) * times;
  let at = atMs;
  if (months !== 0 || days !== 0) {
    const l = zonedParts(atMs, timeZone);
    const monthIndex = l.year * 12 + (l.month - 1) + months;
    const year = Math.floor(monthIndex / 12);
    const month = monthIndex - year * 12 + 1;
    const date = new Date(Date.UTC(year, month - 1, Math.min(l.day, daysInMonth(year, month)) + days));
    const r = resolveLocal(
      { ...l, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
      timeZone,
    );
    at = r.kind === 'unique' ? r.at : r.kind === 'overlap' ? r.earlier : r.shiftedAt;
  }
  return at + fixedMs(d) * times;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ZONE_SUFFIX = /\[([^\]]+)\]$/;

/**
 * A date or date-time to epoch milliseconds. Without an offset it is UTC,
 * unless a `[Zone]` suffix (as Zeebe writes it) names the zone it is read in.
 */
export function parseDateTime(text: string): Parsed<number> {
  const r = readDateTime(text);
  return r.ok ? ok(r.value.at) : r;
}

function readDateTime(text: string): Parsed<{ at: number; timeZone?: string }> {
  const source = text.trim();
  const bad = (why: string) => fail(`"${source}" is not an ISO 8601 date-time: ${why}; ${DATE_EXAMPLE}`);
  const zone = ZONE_SUFFIX.exec(source);
  const m = DATE_TIME.exec((zone === null ? source : source.slice(0, zone.index)).toUpperCase());
  if (m === null) return bad('expected YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]] with an optional Z or ±hh:mm');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const millisecond = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (year < 1000) return bad('the year must have four digits, 1000 or later');
  if (month < 1 || month > 12) return bad(`month ${month} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) return bad(`day ${day} does not exist in ${year}-${m[2]}`);
  if (hour > 23 || minute > 59 || second > 59) return bad('the time must be between 00:00:00 and 23:59:59');
  const local = { year, month, day, hour, minute, second, millisecond };
  const offset = m[8];
  const timeZone = zone?.[1];
  if (timeZone !== undefined && !isTimeZone(timeZone)) return bad(unknownTimeZoneMessage(timeZone));
  if (offset === undefined && timeZone !== undefined) {
    const r = resolveLocal(local, timeZone);
    return ok({ at: r.kind === 'unique' ? r.at : r.kind === 'overlap' ? r.earlier : r.shiftedAt, timeZone });
  }
  let offsetMs = 0;
  if (offset !== undefined && offset !== 'Z') {
    const digits = offset.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 23 || minutes > 59) return bad(`offset ${offset} does not exist`);
    offsetMs = (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return ok(timeZone === undefined ? { at: utcMs(local) - offsetMs } : { at: utcMs(local) - offsetMs, timeZone });
}

/** `R3/PT10M`, `R/PT1H`, `R3/<start>/PT10M`, `R2/PT1H/<end>`, `R2/<start>/<end>`. */
export function parseRepeatingInterval(text: string): Parsed<RepeatingInterval> {
  const source = text.trim();
  const bad = (why: string) => fail(`"${source}" is not an ISO 8601 repeating interval: ${why}; ${CYCLE_EXAMPLE}`);
  const m = /^R(\d*)\/(.*)$/i.exec(source);
  if (m === null) return bad('expected R[n]/<interval>, the count optional');
  const repetitions = m[1] === '' ? null : Number(m[1]);
  if (repetitions !== null && (repetitions < 1 || !Number.isSafeInteger(repetitions))) {
    return bad('the repetition count must be at least 1 (leave it out, as in R/PT1H, to repeat forever)');
  }
  // Zone names hold slashes too (…[Europe/Berlin]/PT1H), so split outside brackets only.
  const parts = (m[2] ?? '').split(/\/(?![^[]*\])/);
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) return bad('expected one or two parts after R[n]/');
  const isDuration = parts.map((p) => /^\s*P/i.test(p));
  const explain = (r: { message: string }) => bad(r.message.replace(/;.*$/, ''));

  let interval: IsoDuration;
  let startAt: number | undefined;
  let endAt: number | undefined;
  let timeZone: string | undefined;
  if (parts.length === 1 && /^\s*\d{4}-/.test(parts[0] ?? '')) {
    return bad('a start date needs an interval after it (R3/<start>/PT10M)');
  }
  if (parts.length === 1 || isDuration[0] === true) {
    const d = parseDuration(parts[0] ?? '');
    if (!d.ok) return explain(d);
    interval = d.value;
    if (parts.length === 2) {
      if (isDuration[1] === true) return bad('two durations; one of the parts must be a date');
      if (repetitions === null) return bad('a series that ends at a date needs a count to know where it starts (R3/PT1H/<end>)');
      const end = readDateTime(parts[1] ?? '');
      if (!end.ok) return explain(end);
      ({ at: endAt, timeZone } = end.value);
    }
  } else {
    const start = readDateTime(parts[0] ?? '');
    if (!start.ok) return explain(start);
    ({ at: startAt, timeZone } = start.value);
    if (isDuration[1] === true) {
      const d = parseDuration(parts[1] ?? '');
      if (!d.ok) return explain(d);
      interval = d.value;
    } else {
      const end = readDateTime(parts[1] ?? '');
      if (!end.ok) return explain(end);
      interval = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: (end.value.at - startAt) / 1000 };
      if (interval.seconds <= 0) return bad('the end must come after the start');
    }
  }
  if (isZeroDuration(interval)) return bad('the interval must be longer than zero');
  return ok({
    repetitions,
    interval,
    ...(startAt === undefined ? {} : { startAt }),
    ...(endAt === undefined ? {} : { endAt }),
    ...(timeZone === undefined ? {} : { timeZone }),
  });
}
