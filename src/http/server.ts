/** The daemon's HTTP server: the REST API under /api/v1, /healthz, /metrics and the web UI. */
import { createServer, type Server } from 'node:http';
import { toError } from '../errors.js';
import { BearerAuth } from './auth.js';
import type { Api } from './context.js';
import { deploymentRoutes } from './deployments.js';
import { healthRoutes } from './health.js';
import { instanceRoutes } from './instances.js';
import { logRoutes } from './logs.js';
import { messageRoutes } from './messages.js';
import { Router, type Route } from './router.js';
import { taskRoutes } from './tasks.js';
import { uiRoutes } from './ui/routes.js';

export interface ApiServerOptions {
  api: Api;
  tokens: readonly string[];
  onError: (error: Error, request: { method: string; path: string }) => void;
  /** Routes of other modules (GitOps, approvals), added after the API's own. */
  routes?: Route[];
}

export function createApiServer(options: ApiServerOptions): Server {
  const router = new Router({ auth: new BearerAuth(options.tokens), onError: options.onError }).add(
    ...healthRoutes(options.api),
    ...instanceRoutes(options.api),
    ...taskRoutes(options.api),
    ...messageRoutes(options.api),
    ...deploymentRoutes(options.api),
    ...logRoutes(options.api),
    ...uiRoutes(options.api),
    ...(options.routes ?? []),
  );
  return createServer((req, res) => {
    // handle() answers every error itself; this is for one thrown while answering (a reply after the headers went).
    router.handle(req, res).catch((error: unknown) => {
      options.onError(toError(error), { method: req.method ?? 'GET', path: req.url ?? '/' });
      res.destroy();
    });
  });
}
