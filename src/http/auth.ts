import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { apiToken } from '../config/api-tokens.js';
import { PipelaneError } from '../errors.js';

/**
 * Bearer tokens from the configuration. With none configured (only allowed
 * on loopback) every request is let in as `api`. A token is named in the
 * history by its name or position (`api:ada`, `api:token1`; see
 * config/api-tokens.ts), never by its value.
 */
export class BearerAuth {
  private readonly digests: Buffer[];
  private readonly names: string[];

  constructor(entries: readonly string[]) {
    const tokens = entries.map(apiToken);
    this.digests = tokens.map((t) => digest(t.secret));
    this.names = tokens.map((t) => t.name);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  /** The actor the request acts as; throws UNAUTHORIZED without a valid token. */
  actorOf(req: IncomingMessage): string {
    if (!this.required) return 'api';
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new PipelaneError('UNAUTHORIZED', 'this endpoint needs a bearer token: send "Authorization: Bearer <token>".');
    const given = digest(match[1]!);
    // Compare against every token, in constant time each, so timing tells nothing.
    let found = -1;
    this.digests.forEach((d, i) => {
      if (timingSafeEqual(d, given) && found < 0) found = i;
    });
    if (found < 0) throw new PipelaneError('UNAUTHORIZED', 'the bearer token is not valid.');
    return `api:${this.names[found]}`;
  }
}

/**
 * What a browser could be made to send: a request to a hostname that was
 * rebound to 127.0.0.1 (DNS rebinding) reaches an API without tokens only
 * under a loopback name; a request with an `Origin` of another site (a
 * cross-site form or `text/plain` POST) never changes anything. Programs —
 * the CLI, curl, GitHub — send no Origin and are not affected.
 */
export function checkBrowserRequest(req: IncomingMessage, openApi: boolean): void {
  const host = req.headers.host ?? '';
  if (openApi && !isLoopback(hostnameOf(host))) {
    throw new PipelaneError('FORBIDDEN', `the daemon runs without tokens and answers only to loopback names (localhost, 127.0.0.1, [::1]), not "${host}".`);
  }
  const origin = req.headers.origin;
  const method = req.method ?? 'GET';
  if (origin === undefined || method === 'GET' || method === 'HEAD') return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = '';
  }
  if (originHost !== host) throw new PipelaneError('FORBIDDEN', `a ${method} from the page of another site (${origin}) is refused.`);
}

function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1]!;
  return host.replace(/:\d+$/, '');
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Loopback addresses: the only ones the daemon may listen on without a token. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
