import type { Api } from './context.js';
import { json } from './respond.js';
import type { Route } from './router.js';

/**
 * `/healthz` (no token) and `/metrics` (Prometheus text). The top-level
 * status is `ok`, or `degraded` while a part other modules add says
 * `state: 'failing'` (GitOps: the repository cannot be synced; the last good
 * revision keeps running) — still 200, since the daemon serves what it has;
 * 503 only while it is stopping.
 */
export function healthRoutes(api: Api): Route[] {
  const { runtime, metrics } = api;
  return [
    {
      method: 'GET',
      pattern: '/healthz',
      open: true,
      handler: () => {
        if (!api.accepting()) return json(503, { status: 'stopping' });
        const parts = api.health?.() ?? {};
        return json(200, { status: Object.values(parts).some(isFailing) ? 'degraded' : 'ok', ...parts });
      },
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

function isFailing(part: unknown): boolean {
  return typeof part === 'object' && part !== null && (part as { state?: unknown }).state === 'failing';
}
