import type { Api } from './context.js';
import { json } from './respond.js';
import type { Route } from './router.js';
import { deploymentView } from './views.js';

export function deploymentRoutes(api: Api): Route[] {
  const { store } = api.runtime;
  return [
    {
      method: 'GET',
      pattern: '/api/v1/deployments',
      handler: ({ query }) => {
        const activeOnly = query.get('active') === 'true' || query.get('active') === '1';
        return json(200, { items: store.listDeployments({ activeOnly }).map(deploymentView) });
      },
    },
  ];
}
