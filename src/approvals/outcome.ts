/** How a task ended, in words a person is told: "already approved by ada (email) at …". */
import type { Store, UserTaskRecord } from '../ports/store.js';

export interface TaskOutcome {
  verb: 'approved' | 'rejected' | 'completed' | 'cancelled' | 'open';
  /** The actor as the history names it (`email:ada`, `github:ada-l`, `cli`, `api:token1`). */
  actor?: string;
  at?: number;
  comment?: string;
  variables?: Record<string, unknown>;
}

export function outcomeOf(store: Store, task: UserTaskRecord): TaskOutcome {
  if (task.state === 'open') return { verb: 'open' };
  if (task.state === 'cancelled') return { verb: 'cancelled', ...(task.completedAt !== undefined ? { at: task.completedAt } : {}) };
  const entry = store
    .listHistory(task.instanceId)
    .filter((h) => h.type === 'taskCompleted' && h.data['taskId'] === task.id)
    .at(-1);
  const variables = (entry?.data['variables'] ?? {}) as Record<string, unknown>;
  const verb = variables['approved'] === true ? 'approved' : variables['approved'] === false ? 'rejected' : 'completed';
  const comment = typeof variables['comment'] === 'string' && variables['comment'] !== '' ? variables['comment'] : undefined;
  const actor = entry?.actor ?? task.completedBy;
  const at = entry?.at ?? task.completedAt;
  return { verb, variables, ...(actor ? { actor } : {}), ...(at !== undefined ? { at } : {}), ...(comment ? { comment } : {}) };
}

/** `email:ada` → `ada (email)`; `cli` → `cli`. */
export function describeActor(actor: string): string {
  const i = actor.indexOf(':');
  return i < 0 ? actor : `${actor.slice(i + 1)} (${actor.slice(0, i)})`;
}

/** "already approved by ada (email) at 2026-03-01T09:00:00.000Z" */
export function describeOutcome(outcome: TaskOutcome): string {
  if (outcome.verb === 'open') return 'still open';
  if (outcome.verb === 'cancelled') return `withdrawn${outcome.at !== undefined ? ` at ${new Date(outcome.at).toISOString()}` : ''} (a timer or a cancel moved the process on)`;
  const by = outcome.actor ? ` by ${describeActor(outcome.actor)}` : '';
  const at = outcome.at !== undefined ? ` at ${new Date(outcome.at).toISOString()}` : '';
  return `${outcome.verb}${by}${at}`;
}
