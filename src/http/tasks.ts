import { completeUserTask } from '../approvals/complete-task.js';
import { PipelaneError } from '../errors.js';
import type { UserTaskState } from '../ports/store.js';
import type { Api } from './context.js';
import { intParam, oneOf, readJson, variablesOf } from './request.js';
import { json } from './respond.js';
import type { Route } from './router.js';
import { taskView } from './views.js';

const STATES: readonly (UserTaskState | 'all')[] = ['open', 'completed', 'cancelled', 'all'];

export function taskRoutes(api: Api): Route[] {
  const { runtime } = api;
  const { store } = runtime;
  return [
    {
      method: 'GET',
      pattern: '/api/v1/tasks',
      handler: ({ query }) => {
        const state = oneOf(query, 'state', STATES);
        const instanceId = query.get('instance') || undefined;
        const tasks = store.listUserTasks({
          limit: intParam(query, 'limit', 100, 1, 1000),
          ...(state && state !== 'all' ? { state } : {}),
          ...(instanceId ? { instanceId } : {}),
        });
        return json(200, { items: tasks.map(taskView) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/tasks/:id',
      handler: ({ params }) => {
        const task = store.getUserTask(params['id']!);
        if (!task) throw new PipelaneError('TASK_NOT_FOUND', `there is no task ${params['id']}.`);
        return json(200, taskView(task));
      },
    },
    {
      method: 'POST',
      pattern: '/api/v1/tasks/:id/complete',
      handler: async ({ req, params, actor }) => {
        const variables = variablesOf(await readJson(req));
        const task = completeUserTask(store, params['id']!, variables, actor, runtime.now());
        runtime.applyOutbox();
        return json(200, taskView(task));
      },
    },
  ];
}
