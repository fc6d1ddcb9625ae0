import type { Api } from './context.js';
import { json } from './respond.js';
import type { Route } from './router.js';

/** `/healthz` (no token) and `/metrics` (Prometheus text). */
export function healthRoutes(api: Api): Route[] {
  const { runtime, metrics } = api;
  return [
    {
      method: 'GET',
      pattern: '/healthz',
      open: true,
      handler: () => (api.accepting() ? json(200, { status: 'ok', ...api.health?.() }) : json(503, { status: 'stopping' })),
    },
    {
      method: 'GET',
      pattern: '/metrics',
      handler: ({ res }) => {
        const text = metrics.render(runtime.store, { queued: runtime.jobs.queued, running: runtime.jobs.active }) + (api.extraMetrics?.() ?? '');
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
        res.end(text);
        return undefined;
      },
    },
  ];
}
