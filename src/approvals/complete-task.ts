import { PipelaneError } from '../errors.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { commitStep } from '../runtime/commit.js';
import { describeOutcome, outcomeOf } from './outcome.js';
import { checkSubmission, formOfTask, taskNode } from './task-form.js';

export interface CompleteOptions {
  /**
   * Runs in the completing transaction, after the task is closed: a link
   * marked used, a vote counted. Throwing from it undoes the completion.
   */
  alsoInTransaction?: () => void;
}

/**
 * Completes an open user task with the person's variables. Whatever the
 * channel (CLI, REST, an emailed link, a GitHub comment), the first decision
 * wins: the task is closed in the same transaction as the engine step (and
 * checked again inside it, so another process cannot slip in between), and
 * a later attempt is told who decided and when, and enters the history.
 * The variables are checked against the task's form first (FORM_INVALID
 * with a message per field); the actor (`email:ada`, `github:ada-l`, `cli`,
 * `api:token1`) names the channel and the person in the history.
 */
export function completeUserTask(
  store: Store,
  taskId: string,
  variables: Record<string, unknown>,
  actor: string,
  at: number,
  options: CompleteOptions = {},
): UserTaskRecord {
  const task = store.getUserTask(taskId);
  if (!task) throw new PipelaneError('TASK_NOT_FOUND', `there is no task ${taskId}.`);
  if (task.state !== 'open') throw refuse(store, task, actor, at);
  const instance = store.getInstance(task.instanceId);
  if (!instance) throw new PipelaneError('INSTANCE_NOT_FOUND', `there is no instance ${task.instanceId}.`);
  const deployment = store.getDeployment(instance.deploymentId);
  if (!deployment) throw new PipelaneError('INTERNAL', `instance ${instance.id} refers to deployment ${instance.deploymentId}, which is gone.`);
  const typed = checkSubmission(formOfTask(deployment, taskNode(deployment, task.processId, task.elementId)), variables, labelOf(task));
  const done: UserTaskRecord = { ...task, state: 'completed', completedAt: at, completedBy: actor };
  let late: UserTaskRecord | undefined;
  const closeTask = () => {
    const current = store.getUserTask(taskId);
    if (current?.state !== 'open') {
      late = current;
      throw new PipelaneError('CONFLICT', `task ${taskId} was decided meanwhile.`);
    }
    store.putUserTask(done);
    options.alsoInTransaction?.();
  };
  let sent: boolean;
  try {
    sent = commitStep(store, task.instanceId, { type: 'taskCompleted', at, taskId, variables: typed }, actor, closeTask);
  } catch (error) {
    if (late) throw refuse(store, late, actor, at);
    throw error;
  }
  if (!sent) throw new PipelaneError('CONFLICT', `task ${taskId} belongs to instance ${task.instanceId}, which is no longer running.`);
  return done;
}

/** A late attempt: the history records it, and the person is told who decided and when. */
function refuse(store: Store, task: UserTaskRecord, actor: string, at: number): PipelaneError {
  const outcome = describeOutcome(outcomeOf(store, task));
  store.appendHistory({ instanceId: task.instanceId, at, type: 'taskCompletionRefused', actor, data: { taskId: task.id, elementId: task.elementId, reason: `already ${outcome}` } });
  return new PipelaneError('CONFLICT', `${labelOf(task)} was already ${outcome}.`);
}

export function labelOf(task: Pick<UserTaskRecord, 'id' | 'name' | 'elementId'>): string {
  return task.name ? `task "${task.name}" (${task.id})` : `task ${task.elementId} (${task.id})`;
}
