import type { TimerKind } from '../model/process-model.js';
import { nextDueAt, timerSchedule } from '../schedule/timer.js';
import { evaluateFeel } from './expression.js';

export type DueTime = { ok: true; dueAt: number | undefined } | { ok: false; message: string };

/**
 * When a timer falls due: the first time (fired = 0) from the moment it was
 * armed, or the next time of a cycle after `previousDueAt`. A value that
 * starts with `=` is a FEEL expression giving the ISO 8601 or cron text.
 */
export function timerDueAt(
  kind: TimerKind,
  expression: string,
  variables: Record<string, unknown>,
  armedAt: number,
  fired: number,
  previousDueAt?: number,
): DueTime {
  let text = expression.trim();
  if (text.startsWith('=')) {
    const value = evaluateFeel(text, variables);
    if (!value.ok) return { ok: false, message: value.message };
    text = String(value.value);
  }
  const schedule = timerSchedule(kind, text, armedAt);
  if (!schedule.ok) return { ok: false, message: schedule.message };
  if (fired === 0) return { ok: true, dueAt: schedule.value.firstDueAt };
  return { ok: true, dueAt: nextDueAt(schedule.value, previousDueAt ?? armedAt, fired) };
}
