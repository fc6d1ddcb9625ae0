/**
 * A small router over node:http: `METHOD /path/:param` patterns, bearer auth
 * per route, and every error turned into a JSON `{code, message}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PipelaneError } from '../errors.js';
import { checkBrowserRequest, type BearerAuth } from './auth.js';
import { errorReply, send, type Reply } from './respond.js';

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Who acts, for the history: `api:token1`, or `api` without tokens. */
  actor: string;
  /** Aborted when the client goes away (live streams stop on it). */
  signal: AbortSignal;
}

/** Returns a reply, or undefined when it wrote the response itself (a stream). */
export type Handler = (request: ApiRequest) => Promise<Reply | undefined> | Reply | undefined;

export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
  handler: Handler;
  /** Reachable without a token (`/healthz`). */
  open?: boolean;
}

interface Compiled extends Route {
  segments: string[];
}

export interface RouterOptions {
  auth: BearerAuth;
  /** Called with errors the client cannot be blamed for (5xx), to log them. */
  onError: (error: Error, request: { method: string; path: string }) => void;
}

export class Router {
  private readonly routes: Compiled[] = [];

  constructor(private readonly options: RouterOptions) {}

  add(...routes: Route[]): this {
    for (const route of routes) this.routes.push({ ...route, segments: split(route.pattern) });
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = requestUrl(req.url);
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    try {
      const { route, params, allowed } = this.match(method, split(url.pathname));
      if (!route?.open) checkBrowserRequest(req, !this.options.auth.required);
      const actor = route?.open ? 'api' : this.options.auth.actorOf(req);
      if (!route) {
        if (allowed.length > 0) {
          throw Object.assign(new PipelaneError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}.`), { allowed });
        }
        throw new PipelaneError('ROUTE_NOT_FOUND', `there is no ${method} ${url.pathname}; the API lives under /api/v1.`);
      }
      const reply = await route.handler({ req, res, params, query: url.searchParams, actor, signal: controller.signal });
      if (reply) send(res, reply);
    } catch (value) {
      const { reply, error, unexpected } = errorReply(value);
      if (unexpected) this.options.onError(error, { method, path: url.pathname });
      const allowed = (value as { allowed?: string[] }).allowed;
      send(res, allowed ? { ...reply, headers: { ...reply.headers, allow: allowed.join(', ') } } : reply);
      // An unread body would otherwise keep the connection busy.
      if (!req.complete) req.resume();
    }
  }

  private match(method: string, path: string[] | undefined): { route?: Compiled; params: Record<string, string>; allowed: string[] } {
    const allowed: string[] = [];
    if (!path) return { params: {}, allowed };
    for (const route of this.routes) {
      const params = matchSegments(route.segments, path);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params, allowed };
      allowed.push(route.method);
    }
    return { params: {}, allowed };
  }
}

/**
 * The request target as a URL. It is appended to an origin rather than
 * resolved against one: `//x/y` is a path here, not a host (which `//`
 * alone would be, and the parse would throw).
 */
function requestUrl(target = '/'): URL {
  return new URL(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`);
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = path[i]!;
    if (want.startsWith(':')) {
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        throw new PipelaneError('BAD_REQUEST', `"${got}" in the path is not valid percent-encoding.`);
      }
    } else if (want !== got) return undefined;
  }
  return params;
}
