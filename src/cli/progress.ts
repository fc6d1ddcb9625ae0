import type { RuntimeActivity } from '../runtime/activity.js';
import { describe } from '../runtime/jobs.js';
import { formatDuration } from '../model/units.js';

/** One line per task (started, completed or failed, with durations) and the task logs, prefixed by task. */
export function progressLine(activity: RuntimeActivity): string | undefined {
  switch (activity.kind) {
    case 'jobStarted':
      return `▶ ${activity.elementId} started${activity.attempt > 1 ? ` (attempt ${activity.attempt})` : ''}`;
    case 'jobFinished': {
      const took = formatDuration(activity.durationMs);
      if (activity.outcome.kind === 'completed') return `✔ ${activity.elementId} completed in ${took}`;
      const retry = activity.willRetry ? ' — will retry' : '';
      return `✘ ${activity.elementId} failed after ${took}: ${describe(activity.outcome).split('\n')[0]}${retry}`;
    }
    case 'log':
      return `  [${activity.elementId}] ${activity.line.stream === 'stderr' ? '! ' : ''}${activity.line.text}`;
    case 'userTaskOpened':
      return `⏸ ${activity.name ?? activity.elementId} waits for a person (task ${activity.taskId})`;
    case 'incident':
      return `⚠ incident at ${activity.elementId}: ${activity.message}`;
    default:
      return undefined;
  }
}
