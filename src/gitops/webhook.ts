/**
 * `POST /webhooks/github` for pushes: verified by X-Hub-Signature-256 (an
 * HMAC of the body, compared in constant time) before anything is read, each
 * delivery id handled once, and a push to the followed branch syncs at once.
 * A bad signature gets 401 and a log line without the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PipelaneError } from '../errors.js';
import { json } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';

/** The idempotency scope of deliveries (shared with other webhook consumers). */
export const DELIVERY_SCOPE = 'github-delivery';
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB

export interface PushWebhookOptions {
  /** The webhook secret (PIPELANE_GITHUB_WEBHOOK_SECRET); without one every delivery is refused. */
  secret: string | undefined;
  store: Pick<Store, 'claimOnce'>;
  now: () => number;
  log: Log;
  /** The branch followed: pushes to other refs are acknowledged and ignored. */
  branch: string;
  /** Starts a sync (not awaited: GitHub wants an answer within 10 s). */
  sync: () => void;
}

export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function pushWebhookRoute(options: PushWebhookOptions): Route {
  return {
    method: 'POST',
    pattern: '/webhooks/github',
    open: true,
    handler: async ({ req }) => {
      const event = header(req, 'x-github-event') ?? '';
      const delivery = header(req, 'x-github-delivery');
      const who = { event, delivery: delivery ?? null, remote: req.socket.remoteAddress ?? null };
      if (!options.secret) {
        req.resume();
        options.log.warn(who, 'refused a webhook delivery: no webhook secret is configured (PIPELANE_GITHUB_WEBHOOK_SECRET)');
        throw new PipelaneError('SIGNATURE_INVALID', 'webhooks are refused: the daemon has no PIPELANE_GITHUB_WEBHOOK_SECRET to verify them with.');
      }
      const body = await readBody(req);
      if (!verifySignature(options.secret, body, header(req, 'x-hub-signature-256'))) {
        options.log.warn({ ...who, bytes: body.length }, 'refused a webhook delivery: its X-Hub-Signature-256 does not match');
        throw new PipelaneError('SIGNATURE_INVALID', 'the X-Hub-Signature-256 of the delivery does not match its body; nothing was done.');
      }
      if (event === 'ping') return json(200, { outcome: 'pong' });
      if (delivery && !options.store.claimOnce(DELIVERY_SCOPE, delivery, options.now())) {
        options.log.info(who, 'ignored a replayed webhook delivery');
        return json(200, { outcome: 'duplicate' });
      }
      if (event !== 'push') return json(202, { outcome: 'ignored', reason: `${event} events are not handled here` });
      let ref: unknown;
      try {
        ref = (JSON.parse(body.toString('utf8')) as { ref?: unknown }).ref;
      } catch {
        throw new PipelaneError('BAD_REQUEST', 'the delivery is not JSON (set the webhook content type to application/json).');
      }
      if (ref !== `refs/heads/${options.branch}`) return json(202, { outcome: 'ignored', reason: `a push to ${String(ref)}, not to ${options.branch}` });
      options.log.info(who, `push to ${options.branch}: syncing now`);
      options.sync();
      return json(202, { outcome: 'sync started' });
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) throw new PipelaneError('PAYLOAD_TOO_LARGE', `the delivery is larger than ${MAX_PAYLOAD_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
