import type { InstanceStatus } from '../engine/index.js';
import { PipelaneError } from '../errors.js';
import { controlOf, type Api } from './context.js';
import { cancelInstance, requireInstance, retryIncident, retryInstance, retryJob } from './instance-actions.js';
import { intParam, isObject, oneOf, optionalString, readJson, variablesOf } from './request.js';
import { json } from './respond.js';
import type { Route } from './router.js';
import { instanceSummary, instanceView } from './views.js';

const STATES: readonly InstanceStatus[] = ['running', 'completed', 'failed', 'cancelled'];

export function instanceRoutes(api: Api): Route[] {
  const { runtime } = api;
  const { store } = runtime;
  const control = controlOf(runtime);
  return [
    {
      method: 'POST',
      pattern: '/api/v1/processes/:processId/instances',
      handler: async ({ req, params, actor }) => {
        const variables = variablesOf(await readJson(req));
        if (!store.activeDeploymentOf(params['processId']!)) {
          throw new PipelaneError('PROCESS_NOT_FOUND', `no deployed model has a process "${params['processId']}"; GET /api/v1/deployments lists them.`);
        }
        const id = runtime.start({ processId: params['processId']!, variables, actor });
        return json(201, { id }, { location: `/api/v1/instances/${encodeURIComponent(id)}` });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/instances',
      handler: ({ query }) => {
        const processId = query.get('process') || undefined;
        const status = oneOf(query, 'state', STATES);
        const cursor = query.get('cursor') || undefined;
        const page = store.listInstances({ limit: intParam(query, 'limit', 50, 1, 500), ...(processId ? { processId } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
        return json(200, { items: page.items.map(instanceSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/v1/instances/:id',
      handler: ({ params }) => json(200, instanceView(store, requireInstance(store, params['id']!))),
    },
    {
      method: 'POST',
      pattern: '/api/v1/instances/:id/cancel',
      handler: async ({ req, params, actor }) => {
        const body = await readJson(req);
        const reason = isObject(body) ? optionalString(body, 'reason') : undefined;
        cancelInstance(control, params['id']!, actor, reason);
        return json(200, { id: params['id'], state: requireInstance(store, params['id']!).status });
      },
    },
    {
      method: 'POST',
      pattern: '/api/v1/instances/:id/retry',
      handler: ({ params, actor }) => json(200, { retried: retryInstance(control, params['id']!, actor) }),
    },
    {
      method: 'POST',
      pattern: '/api/v1/instances/:id/incidents/:incidentId/retry',
      handler: ({ params, actor }) => json(200, { retried: [retryIncident(control, params['id']!, params['incidentId']!, actor)] }),
    },
    {
      method: 'POST',
      pattern: '/api/v1/jobs/:id/retry',
      handler: ({ params, actor }) => json(200, { retried: [retryJob(control, params['id']!, actor)] }),
    },
  ];
}
