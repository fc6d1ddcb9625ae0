/**
 * The web UI's files: the pages and modules of `ui/` (plain browser modules,
 * no build step) and bpmn-js's prebuilt viewer and CSS from node_modules.
 * They hold no data, so they are served without a token; the page's code
 * asks the API with the token the operator gives it. Every answer carries a
 * Content-Security-Policy that lets only the daemon's own scripts run.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelaneError } from '../../errors.js';
import type { Route } from '../router.js';

/** `ui/` at the package root: three levels up from src/http/ui and from dist/http/ui alike. */
export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../ui');

const require = createRequire(import.meta.url);
const VENDOR: Record<string, string> = {
  'bpmn-viewer.js': 'bpmn-js/dist/bpmn-navigated-viewer.production.min.js',
  'diagram-js.css': 'bpmn-js/dist/assets/diagram-js.css',
  'bpmn-js.css': 'bpmn-js/dist/assets/bpmn-js.css',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Scripts only from the daemon. Styles allow inline attributes because
 * bpmn-js styles its SVG with them; images allow data: URLs for its CSS icons.
 */
export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** A name of a file directly in ui/: no slashes, no dot-dot. */
const FILE_NAME = /^[a-z][a-z0-9-]*\.(html|js|css|svg)$/;

export function staticRoutes(): Route[] {
  const page = (res: ServerResponse) => serveFile(res, join(UI_DIR, 'index.html'));
  return [
    { method: 'GET', pattern: '/', open: true, handler: ({ res }) => page(res) },
    { method: 'GET', pattern: '/ui', open: true, handler: ({ res }) => page(res) },
    {
      method: 'GET',
      pattern: '/ui/vendor/:name',
      open: true,
      handler: ({ res, params }) => {
        const target = VENDOR[params['name']!];
        if (!target) throw notFound(`/ui/vendor/${params['name']}`);
        return serveFile(res, require.resolve(target), 'public, max-age=86400');
      },
    },
    {
      method: 'GET',
      pattern: '/ui/:name',
      open: true,
      handler: ({ res, params }) => {
        const name = params['name']!;
        if (!FILE_NAME.test(name)) throw notFound(`/ui/${name}`);
        return serveFile(res, join(UI_DIR, name));
      },
    },
  ];
}

async function serveFile(res: ServerResponse, path: string, cacheControl = 'no-cache'): Promise<undefined> {
  const body = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw notFound(path.startsWith(UI_DIR) ? `/ui/${path.slice(UI_DIR.length + 1)}` : path);
    throw error;
  });
  sendBody(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', body, { 'cache-control': cacheControl });
  return undefined;
}

export function sendBody(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function notFound(path: string): PipelaneError {
  return new PipelaneError('ROUTE_NOT_FOUND', `there is no UI file ${path}.`);
}
