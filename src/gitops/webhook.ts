/**
 * `POST /webhooks/github` for pushes: verified by X-Hub-Signature-256 (an
 * HMAC of the body, compared in constant time) before anything is read, each
 * delivery id handled once, and a push to the followed branch syncs at once.
 * A bad signature gets 401 and a log line without the body.
 */
import { PipelaneError } from '../errors.js';
import { receiveDelivery } from '../http/github-delivery.js';
import { json } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';

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

export function pushWebhookRoute(options: PushWebhookOptions): Route {
  return {
    method: 'POST',
    pattern: '/webhooks/github',
    open: true,
    handler: async ({ req }) => {
      const received = await receiveDelivery(req, { ...options, warn: (fields, message) => options.log.warn(fields, message) });
      if (received.kind === 'answered') return received.reply;
      const { event, delivery, body } = received;
      const who = { event, delivery: delivery ?? null };
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
