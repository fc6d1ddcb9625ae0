/**
 * BPMN timer event definitions (timeDuration, timeDate, timeCycle) as the
 * engine stores them: `timerSchedule` reads the definition once, when the
 * timer starts, into plain JSON; `nextDueAt` works from that data alone, so
 * a timer survives a restart by being stored and read back.
 */
import { nextCronFire, parseCron, type CronSchedule } from './cron.js';
import {
  addDuration,
  parseDateTime,
  parseDuration,
  parseRepeatingInterval,
  type IsoDuration,
} from './iso8601.js';
import { fail, ok, type Parsed } from './parsed.js';
import { isTimeZone, unknownTimeZoneMessage } from './zone.js';

export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

/** timeDuration and timeDate: one fire. */
export interface OnceTimer {
  readonly kind: 'once';
  readonly source: string;
  readonly firstDueAt: number;
}

/**
 * An ISO repeating interval. Occurrence k (0-based) is due at
 * `anchorAt + (k + stepOffset) × interval`; `firstIndex` is the first one
 * not before the timer started. Repetitions count from the series' own start,
 * so occurrences of a dated series that passed before the timer started are
 * used up.
 */
export interface CycleTimer {
  readonly kind: 'cycle';
  readonly source: string;
  readonly firstDueAt: number;
  readonly repetitions: number | null;
  readonly interval: IsoDuration;
  readonly anchorAt: number;
  readonly stepOffset: number;
  readonly firstIndex: number;
  /** The calendar days and months are counted in. */
  readonly timeZone: string;
}

export interface CronTimer {
  readonly kind: 'cron';
  readonly source: string;
  readonly firstDueAt: number;
  readonly cron: CronSchedule;
  readonly timeZone: string;
}

export type TimerSchedule = OnceTimer | CycleTimer | CronTimer;

const EXAMPLES: Readonly<Record<TimerKind, string>> = {
  timeDuration: 'a valid timeDuration is e.g. PT15M or P1DT2H',
  timeDate: 'a valid timeDate is e.g. 2026-03-01T09:00:00Z or 2026-03-01T10:00:00+01:00',
  timeCycle: 'a valid timeCycle is e.g. R3/PT10M, R/P1D, R5/2026-03-01T09:00:00Z/PT1H, or cron "0 6 * * MON-FRI"',
};

/**
 * Reads a timer definition when its timer starts (`startedAtMs`). A
 * timeDuration is due that long after the start; a timeDate at the date
 * (at once if it has passed); a timeCycle after its first interval, at its
 * start date, or at its first cron fire. `timeZone` is where cron is read
 * and where a cycle's days fall. Bad input gives `{ ok: false, message }`.
 */
export function timerSchedule(
  kind: TimerKind,
  value: string,
  startedAtMs: number,
  timeZone = 'UTC',
): Parsed<TimerSchedule> {
  const source = value.trim();
  const example = (EXAMPLES as Record<string, string | undefined>)[kind];
  if (example === undefined) return fail(`unknown timer kind "${kind}": use timeDuration, timeDate or timeCycle`);
  const bad = (why: string) => fail(`${kind} "${source}": ${why.replace(/; e\.g\..*$/, '')}; ${example}`);
  if (!Number.isFinite(startedAtMs)) return bad('the start time is not a number');
  if (!isTimeZone(timeZone)) return bad(unknownTimeZoneMessage(timeZone));
  if (source === '') return bad('the definition is empty');

  if (kind === 'timeDuration') {
    const d = parseDuration(source);
    return d.ok ? once(source, addDuration(startedAtMs, d.value, 1, timeZone), bad) : bad(d.message);
  }
  if (kind === 'timeDate') {
    const at = parseDateTime(source);
    return at.ok ? once(source, at.value, bad) : bad(at.message);
  }
  if (/^R\d*\//i.test(source)) return cycle(source, startedAtMs, timeZone, bad);
  const cron = parseCron(source);
  if (!cron.ok) return bad(`neither an ISO 8601 repeating interval (R…) nor a valid cron expression: ${cron.message}`);
  const first = nextCronFire(cron.value, startedAtMs, timeZone);
  if (first === undefined) return bad('the cron expression matches no date in the next 8 years');
  return ok({ kind: 'cron', source, firstDueAt: first, cron: cron.value, timeZone });
}

function once(source: string, at: number, bad: (why: string) => Parsed<never>): Parsed<TimerSchedule> {
  return Number.isFinite(at) ? ok({ kind: 'once', source, firstDueAt: at }) : bad('the date is out of range');
}

function cycle(
  source: string,
  startedAtMs: number,
  fallbackZone: string,
  bad: (why: string) => Parsed<never>,
): Parsed<TimerSchedule> {
  const r = parseRepeatingInterval(source);
  if (!r.ok) return bad(r.message);
  const { repetitions, interval, startAt, endAt } = r.value;
  const timeZone = r.value.timeZone ?? fallbackZone;
  const [anchorAt, stepOffset] =
    startAt !== undefined ? [startAt, 0]
    : endAt !== undefined ? [endAt, 1 - (repetitions ?? 1)]
    : [startedAtMs, 1];
  const base = { kind: 'cycle', source, repetitions, interval, anchorAt, stepOffset, timeZone, firstIndex: 0 } as const;
  const firstIndex = firstIndexAtOrAfter(base, startedAtMs);
  if (repetitions !== null && firstIndex >= repetitions) {
    const last = new Date(occurrence(base, repetitions - 1)).toISOString();
    return bad(`all ${repetitions} occurrence(s) ended before the timer started (the last was ${last})`);
  }
  const firstDueAt = occurrence(base, firstIndex);
  if (!Number.isFinite(firstDueAt)) return bad('the series runs out of the range of dates');
  return ok({ ...base, firstIndex, firstDueAt });
}

/** When occurrence `index` (0-based, from the series' start) of a cycle is due. */
export function occurrence(timer: Omit<CycleTimer, 'firstDueAt'>, index: number): number {
  return addDuration(timer.anchorAt, timer.interval, index + timer.stepOffset, timer.timeZone);
}

/**
 * The first occurrence due at or after `atMs`. Jumps by an estimate from the
 * first interval's length, then corrects by single steps (months differ in
 * length by a few days, so only a few corrections are ever needed).
 */
function firstIndexAtOrAfter(timer: Omit<CycleTimer, 'firstDueAt'>, atMs: number): number {
  const first = occurrence(timer, 0);
  if (first >= atMs) return 0;
  let index = Math.floor((atMs - first) / (occurrence(timer, 1) - first));
  while (index > 0 && occurrence(timer, index - 1) >= atMs) index--;
  while (occurrence(timer, index) < atMs) index++;
  return index;
}

/**
 * When the timer is due next, after it fired at `previousDueAt` for the
 * `firedCount`-th time; undefined once it is done. A cycle counts from its
 * anchor rather than adding to `previousDueAt`, so a late fire does not
 * shift the series and P1M stays on the 31st where months allow.
 */
export function nextDueAt(timer: TimerSchedule, previousDueAt: number, firedCount: number): number | undefined {
  switch (timer.kind) {
    case 'once':
      return undefined;
    case 'cycle': {
      const index = timer.firstIndex + firedCount;
      if (timer.repetitions !== null && index >= timer.repetitions) return undefined;
      return occurrence(timer, index);
    }
    case 'cron':
      return nextCronFire(timer.cron, previousDueAt, timer.timeZone);
  }
}
