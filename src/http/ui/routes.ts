/**
 * What the web UI needs beyond the REST API: its static files, the diagram
 * of a deployment, where an instance stands on it, and the form of a task.
 * The API routes need the token like every other one.
 */
import { formOf } from '../../approvals/decide.js';
import { PipelaneError } from '../../errors.js';
import type { Api } from '../context.js';
import { requireInstance } from '../instance-actions.js';
import { json } from '../respond.js';
import type { Route } from '../router.js';
import { diagramOf } from './diagram.js';
import { elementStates } from './element-states.js';
import { sendBody, staticRoutes } from './static.js';

export function uiRoutes(api: Api): Route[] {
  const { store } = api.runtime;
  return [
    ...staticRoutes(),
    {
      method: 'GET',
      pattern: '/api/v1/deployments/:id/diagram',
      handler: async ({ res, params }) => {
        const id = params['id']!;
        const deployment = store.getDeployment(id);
        if (!deployment) throw new PipelaneError('MODEL_NOT_FOUND', `there is no deployment ${id}; ids look like churn/churn.bpmn@3f2a9c1b7d4e (URL-encode the / as %2F).`);
        const diagram = await diagramOf(deployment);
        sendBody(res, 200, 'application/xml; charset=utf-8', diagram.xml, {
          'x-pipelane-layout': diagram.layout,
          'x-pipelane-file': diagram.current ? 'deployed' : 'changed',
        });
        return undefined;
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/instances/:id/elements',
      handler: ({ params }) => {
        const instance = requireInstance(store, params['id']!);
        const process = store.getDeployment(instance.deploymentId)?.model.processes[instance.processId];
        const jobs = store.listJobs({ instanceId: instance.id });
        const tasks = store.listUserTasks({ instanceId: instance.id });
        return json(200, elementStates(instance, process, jobs, tasks));
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/tasks/:id/form',
      handler: ({ params }) => {
        const task = store.getUserTask(params['id']!);
        if (!task) throw new PipelaneError('TASK_NOT_FOUND', `there is no task ${params['id']}.`);
        return json(200, formOf(store, task));
      },
    },
  ];
}
