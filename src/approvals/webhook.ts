/**
 * `POST /webhooks/github`: GitHub's deliveries, verified by their HMAC
 * signature (X-Hub-Signature-256) before anything is read from them, each
 * delivery handled once. `issue_comment` events go to the GitHub channel;
 * other events (a push) go to the fallback route (GitOps), untouched.
 */
import { PipelaneError } from '../errors.js';
import { header, receiveDelivery } from '../http/github-delivery.js';
import type { Route } from '../http/router.js';
import { json } from '../http/respond.js';
import type { Store } from '../ports/store.js';
import type { GitHubChannel } from './github-channel.js';

export interface WebhookDeps {
  /** PIPELANE_GITHUB_WEBHOOK_SECRET; without it every delivery is refused. */
  secret: string | undefined;
  store: Store;
  channel: GitHubChannel | undefined;
  now(): number;
  /** The route that handles every other event (GitOps' push route); without it they are acknowledged and ignored. */
  fallback?: Route;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export function githubWebhookRoute(deps: WebhookDeps): Route {
  return {
    method: 'POST',
    pattern: '/webhooks/github',
    open: true,
    handler: async (request) => {
      const { req } = request;
      const event = header(req, 'x-github-event') ?? '';
      // Decided on the header alone, before the body is read: the other route reads and verifies it itself.
      if (event !== 'issue_comment' && deps.fallback) return deps.fallback.handler(request);
      const received = await receiveDelivery(req, { ...deps, warn: (fields, message) => deps.log?.('warn', message, fields) });
      if (received.kind === 'answered') return received.reply;
      const { body } = received;
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new PipelaneError('BAD_REQUEST', 'the delivery is not JSON.');
      }
      if (event !== 'issue_comment') return json(202, { outcome: 'ignored', reason: `${event} events are not handled here` });
      if (!deps.channel) return json(202, { outcome: 'ignored', reason: 'the GitHub channel is not configured' });
      const comment = payload['comment'] as { id: number; body?: string; user?: { login: string; type: string }; created_at: string; updated_at: string; html_url: string };
      const issue = payload['issue'] as { number: number; user?: { login: string } };
      const repo = (payload['repository'] as { full_name: string }).full_name;
      const action = payload['action'];
      if (action !== 'created' && action !== 'edited') return json(202, { outcome: 'ignored' });
      const outcome = await deps.channel.handleComment({
        repo, issueNumber: issue.number, edited: action === 'edited',
        ...(issue.user?.login ? { issueAuthor: issue.user.login } : {}),
        comment: { id: comment.id, body: comment.body ?? '', authorLogin: comment.user?.login ?? '', authorType: comment.user?.type ?? 'User', createdAt: comment.created_at, updatedAt: comment.updated_at, url: comment.html_url },
      });
      return json(200, { outcome });
    },
  };
}
