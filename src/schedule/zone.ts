/**
 * Wall-clock arithmetic in IANA time zones. It reads offsets through
 * Intl.DateTimeFormat: ICU's zone data ships with Node and answers the same way
 * every time, so this stays pure (no clock, no I/O).
 */

/** A wall-clock reading in some time zone; month is 1-12. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/**
 * Where a wall-clock reading falls on the timeline: once; nowhere (inside a
 * spring-forward gap); or twice (inside a fall-back overlap).
 */
export type LocalResolution =
  | { readonly kind: 'unique'; readonly at: number }
  | { readonly kind: 'gap'; readonly shiftedAt: number }
  | { readonly kind: 'overlap'; readonly earlier: number; readonly later: number };

const DAY_MS = 86_400_000;

// Building a formatter costs far more than using one; the cache only
// memoises, it changes no result.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23', // 'hour12: false' prints midnight as 24 on some ICU versions
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function unknownTimeZoneMessage(timeZone: string): string {
  return `unknown time zone "${timeZone}": use an IANA name such as Europe/Berlin, America/New_York or UTC`;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Epoch milliseconds of a wall-clock reading taken as UTC. */
export function utcMs(l: LocalDateTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
}

export function zonedParts(atMs: number, timeZone: string): LocalDateTime {
  const millisecond = mod(atMs, 1000);
  if (timeZone === 'UTC') {
    const d = new Date(atMs);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      millisecond,
    };
  }
  const n: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(atMs)) n[part.type] = Number(part.value);
  return {
    year: n['year'] ?? NaN,
    month: n['month'] ?? NaN,
    day: n['day'] ?? NaN,
    hour: n['hour'] ?? NaN,
    minute: n['minute'] ?? NaN,
    second: n['second'] ?? NaN,
    millisecond,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in winter: +3_600_000). */
export function offsetAt(atMs: number, timeZone: string): number {
  return utcMs(zonedParts(atMs, timeZone)) - atMs;
}

/**
 * Finds the instants a wall-clock reading denotes. The offsets a day before
 * and a day after are the only candidates: real zones never change offset
 * twice within two days, and offsets stay within ±14 h.
 */
export function resolveLocal(local: LocalDateTime, timeZone: string): LocalResolution {
  const asUtc = utcMs(local);
  if (timeZone === 'UTC') return { kind: 'unique', at: asUtc };
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const instants = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((at) => offsetAt(at, timeZone) === asUtc - at)
    .sort((a, b) => a - b);
  const [first, second] = instants;
  if (first === undefined) {
    // Read with the offset in force before the gap, the reading lands as far
    // past the gap's start as it was meant to be (02:30 → 03:30), as java.time does.
    return { kind: 'gap', shiftedAt: asUtc - before };
  }
  if (second === undefined) return { kind: 'unique', at: first };
  return { kind: 'overlap', earlier: first, later: second };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday, as cron counts them. */
export function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}
