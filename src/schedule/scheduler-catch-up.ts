/**
 * Which fires of a schedule run now: the on-time ones, and of the missed ones
 * (their time passed while the scheduler was not running) what the catch-up
 * policy keeps — none, the last, or all of them in order. Pure.
 */
import type { CatchUpPolicy } from './scheduler-sources.js';
import type { CompiledTrigger } from './scheduler-triggers.js';

/** A backlog bigger than this is not replayed whole under `catchUp: all`: the oldest this many run. */
export const MAX_CATCH_UP = 1000;

export interface DueInput {
  trigger: CompiledTrigger;
  /** Every fire at or before this has been decided already. */
  handledThrough: number;
  /** Fires at or before this were missed: the scheduler was down, or the host slept. */
  missedThrough: number;
  now: number;
  catchUp: CatchUpPolicy;
}

export interface DueFires {
  /** Fire times to act on now, oldest first. */
  run: number[];
  /** Missed fires the policy dropped (a lower bound when the backlog was huge). */
  dropped: number;
  /** The new `handledThrough`: everything up to `now` is decided by this answer. */
  handledThrough: number;
}

export function dueFires(input: DueInput): DueFires {
  const { trigger, handledThrough, now } = input;
  const missedThrough = Math.min(Math.max(input.missedThrough, handledThrough), now);
  const run: number[] = [];
  let dropped = 0;
  if (missedThrough > handledThrough) {
    switch (input.catchUp) {
      case 'none':
        dropped = trigger.between(handledThrough, missedThrough, MAX_CATCH_UP).length;
        break;
      case 'last': {
        const last = lastFireIn(trigger, handledThrough, missedThrough);
        if (last !== undefined) run.push(last);
        break;
      }
      case 'all': {
        const missed = trigger.between(handledThrough, missedThrough, MAX_CATCH_UP + 1);
        run.push(...missed.slice(0, MAX_CATCH_UP));
        dropped = missed.length - run.length;
        break;
      }
    }
  }
  run.push(...trigger.between(missedThrough, now, MAX_CATCH_UP));
  return { run, dropped, handledThrough: Math.max(handledThrough, now) };
}

const WINDOWS_MS = [1_000, 60_000, 3_600_000, 86_400_000, 31 * 86_400_000, 366 * 86_400_000, 8 * 366 * 86_400_000];

/**
 * The last fire in (fromMs, toMs]. Looks back over growing windows so a
 * schedule firing every second, missed for a week, costs a few steps, not
 * 600,000.
 */
export function lastFireIn(trigger: CompiledTrigger, fromMs: number, toMs: number): number | undefined {
  for (const width of WINDOWS_MS) {
    const start = Math.max(fromMs, toMs - width);
    let last: number | undefined;
    for (let at = trigger.next(start); at !== undefined && at <= toMs; at = trigger.next(at)) last = at;
    if (last !== undefined || start === fromMs) return last;
  }
  return undefined;
}
