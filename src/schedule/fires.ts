/**
 * Fire times of a schedule over a window, for catch-up after downtime and for
 * showing what is coming. Pure: the caller passes the window.
 */
import { compileCron, searchCron, type CronSchedule } from './cron.js';

/**
 * The fires in (fromMs, toMs], oldest first, at most `limit` of them. Ask for
 * one more than you will use to learn whether the window held more.
 */
export function firesBetween(
  expression: string | CronSchedule,
  timeZone: string,
  fromMs: number,
  toMs: number,
  limit: number,
): number[] {
  const cron = compileCron(expression, timeZone);
  const fires: number[] = [];
  let after = fromMs;
  while (fires.length < limit) {
    const at = searchCron(cron, after, timeZone).at;
    if (at === undefined || at > toMs) break;
    fires.push(at);
    after = at;
  }
  return fires;
}

/** The next `n` fires strictly after `afterMs` (fewer if the expression stops matching). */
export function nextFires(expression: string | CronSchedule, timeZone: string, afterMs: number, n: number): number[] {
  return firesBetween(expression, timeZone, afterMs, Infinity, n);
}
