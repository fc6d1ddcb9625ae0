/**
 * Fire times of a schedule's trigger, from the pure schedule math: cron
 * through `firesBetween`/`nextCronFire`, BPMN timers through `timerSchedule`.
 * A timer that has no start date of its own counts from `anchorAt`, the time
 * its schedule was created or last changed, which is stored, so the series
 * stays put across restarts.
 */
import { nextCronFire } from './cron.js';
import { firesBetween } from './fires.js';
import { fail, ok, type Parsed } from './parsed.js';
import type { ScheduleTrigger } from './scheduler-sources.js';
import { occurrence, timerSchedule, type CycleTimer } from './timer.js';

export interface CompiledTrigger {
  /** Fires in (fromMs, toMs], oldest first, at most `limit`. */
  between(fromMs: number, toMs: number, limit: number): number[];
  /** The first fire strictly after `afterMs`, or undefined when there is none. */
  next(afterMs: number): number | undefined;
}

export function compileTrigger(trigger: ScheduleTrigger, anchorAt: number): Parsed<CompiledTrigger> {
  if (trigger.kind === 'cron') {
    const { cron, timezone } = trigger;
    try {
      nextCronFire(cron, anchorAt, timezone);
    } catch (e) {
      return fail((e as Error).message);
    }
    return ok({
      between: (from, to, limit) => firesBetween(cron, timezone, from, to, limit),
      next: (after) => nextCronFire(cron, after, timezone),
    });
  }
  if (trigger.expression.startsWith('=') || /[$#]\{/.test(trigger.expression)) {
    return fail(
      `${trigger.timer} "${trigger.expression}" is computed at run time; a timer start event needs a fixed value, ` +
        'e.g. R/PT1H or a cron expression.',
    );
  }
  const parsed = timerSchedule(trigger.timer, trigger.expression, anchorAt);
  if (!parsed.ok) return parsed;
  const timer = parsed.value;
  switch (timer.kind) {
    case 'once':
      return ok({
        between: (from, to, limit) => (timer.firstDueAt > from && timer.firstDueAt <= to && limit > 0 ? [timer.firstDueAt] : []),
        next: (after) => (timer.firstDueAt > after ? timer.firstDueAt : undefined),
      });
    case 'cron':
      return ok({
        between: (from, to, limit) => firesBetween(timer.cron, timer.timeZone, from, to, limit),
        next: (after) => nextCronFire(timer.cron, after, timer.timeZone),
      });
    case 'cycle':
      return ok({
        between: (from, to, limit) => {
          const out: number[] = [];
          for (let i = firstIndexAfter(timer, from); out.length < limit && inSeries(timer, i); i++) {
            const at = occurrence(timer, i);
            if (at > to) break;
            out.push(at);
          }
          return out;
        },
        next: (after) => {
          const i = firstIndexAfter(timer, after);
          return inSeries(timer, i) ? occurrence(timer, i) : undefined;
        },
      });
  }
}

function inSeries(timer: CycleTimer, index: number): boolean {
  return timer.repetitions === null || index < timer.repetitions;
}

/**
 * The first occurrence strictly after `afterMs`, not before the timer's first
 * one. Jumps by the first interval's length, then corrects step by step
 * (calendar intervals differ by a few days at most).
 */
function firstIndexAfter(timer: CycleTimer, afterMs: number): number {
  const first = occurrence(timer, timer.firstIndex);
  if (first > afterMs) return timer.firstIndex;
  const step = occurrence(timer, timer.firstIndex + 1) - first;
  let index = timer.firstIndex + (step > 0 ? Math.floor((afterMs - first) / step) : 0);
  while (index > timer.firstIndex && occurrence(timer, index - 1) > afterMs) index--;
  while (occurrence(timer, index) <= afterMs) index++;
  return index;
}
