import { PipelaneError } from '../errors.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { commitStep } from '../runtime/commit.js';

/**
 * Completes an open user task with the person's variables. Whatever the
 * channel (CLI, REST, an emailed link, a GitHub comment), the first decision
 * wins: the task is closed in the same transaction as the engine step, and a
 * later attempt is told who decided and when.
 */
export function completeUserTask(
  store: Store,
  taskId: string,
  variables: Record<string, unknown>,
  actor: string,
  at: number,
): UserTaskRecord {
  const task = store.getUserTask(taskId);
  if (!task) throw new PipelaneError('TASK_NOT_FOUND', `there is no task ${taskId}.`);
  if (task.state !== 'open') {
    const when = task.completedAt === undefined ? '' : ` at ${new Date(task.completedAt).toISOString()}`;
    const who = task.completedBy ? ` by ${task.completedBy}` : '';
    throw new PipelaneError('CONFLICT', `task ${taskId} is already ${task.state}${who}${when}.`);
  }
  const done: UserTaskRecord = { ...task, state: 'completed', completedAt: at, completedBy: actor };
  const sent = commitStep(store, task.instanceId, { type: 'taskCompleted', at, taskId, variables }, actor, () => store.putUserTask(done));
  if (!sent) throw new PipelaneError('CONFLICT', `task ${taskId} belongs to instance ${task.instanceId}, which is no longer running.`);
  return done;
}
