/**
 * Approvals put together: the notifier on the runtime's activity, the email
 * and GitHub channels from the configuration, the routes for emailed links
 * and the GitHub webhook, and the poller. The daemon creates one, mounts
 * `routes` and calls `start`.
 */
import { randomBytes } from 'node:crypto';
import { OctokitGitHubClient } from '../adapters/github/octokit-client.js';
import { SmtpMailer } from '../adapters/smtp/smtp-mailer.js';
import type { CompiledConfig } from '../config/config.js';
import { loadPeople } from '../config/people.js';
import { toError } from '../errors.js';
import type { Route } from '../http/router.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { GitHubClient } from '../ports/github.js';
import type { Mailer } from '../ports/mailer.js';
import type { JobLogStore } from '../runtime/job-logs.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DecisionResult } from './decide.js';
import { GitHubChannel } from './github-channel.js';
import { Notifier, type NotifierDeps } from './notifier.js';
import { approvalRoutes } from './routes.js';
import { CsrfGuard } from './tokens.js';
import { githubWebhookRoute } from './webhook.js';

export interface ApprovalsOptions {
  runtime: Runtime;
  approvals: ApprovalStore;
  logs: JobLogStore;
  workspacesDir: string;
  config: Pick<CompiledConfig, 'publicUrl' | 'smtp' | 'github' | 'secret' | 'host' | 'port'>;
  /** Instead of the SMTP mailer the configuration describes. */
  mailer?: Mailer;
  /** Instead of the octokit client the configuration describes. */
  githubClient?: GitHubClient;
  log?: NotifierDeps['log'];
  retryDelaysMs?: NotifierDeps['retryDelaysMs'];
  /** The route for other GitHub webhook events (GitOps' push route): it shares the path. */
  webhookFallback?: Route;
}

export class Approvals {
  readonly notifier: Notifier;
  readonly github: GitHubChannel | undefined;
  readonly routes: Route[];
  private readonly mailer: Mailer | undefined;
  private poller: NodeJS.Timeout | undefined;
  private detach: (() => void) | undefined;
  /** Resolves when start() has caught up on the tasks that were open before it. */
  recovered: Promise<void> = Promise.resolve();
  private polling = false;
  /** The daemon's own address, until listeningOn() tells the real one (port 0 picks a free port). */
  private address: string;

  constructor(private readonly options: ApprovalsOptions) {
    const { runtime, approvals, config } = options;
    const store = runtime.store;
    const now = () => runtime.now();
    this.mailer = options.mailer ?? (config.smtp ? new SmtpMailer({ url: config.smtp.url, from: config.smtp.from ?? 'Pipelane <pipelane@localhost>' }) : undefined);
    const client = options.githubClient ?? (config.github.token ? new OctokitGitHubClient({ token: config.github.token, baseUrl: config.github.apiUrl }) : undefined);
    const afterDecision = (taskId: string, result: DecisionResult) => this.notifier.afterDecision(taskId, result);
    this.github = client
      ? new GitHubChannel({
          store, approvals, client, now, afterDecision,
          directoryOf: (task) => {
            const deployment = runtime.deploymentOf(store.getInstance(task.instanceId)!);
            return loadPeople(deployment.repoDir, deployment.file);
          },
        })
      : undefined;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    this.address = `http://${host}:${config.port}`;
    this.notifier = new Notifier({
      runtime, approvals, logs: options.logs, workspacesDir: options.workspacesDir, fallbackUrl: () => this.address,
      ...(this.mailer ? { mailer: this.mailer } : {}), ...(this.github ? { github: this.github } : {}),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), ...(options.log ? { log: options.log } : {}),
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    });
    const csrf = new CsrfGuard(config.secret ? Buffer.from(config.secret) : randomBytes(32));
    this.routes = [
      ...approvalRoutes({ store, approvals, csrf, workspacesDir: options.workspacesDir, publicUrl: () => config.publicUrl ?? this.address, now, afterDecision }),
      githubWebhookRoute({
        secret: config.github.webhookSecret, store, channel: this.github, now,
        ...(options.webhookFallback ? { fallback: options.webhookFallback } : {}), ...(options.log ? { log: options.log } : {}),
      }),
    ];
  }

  /** The address the daemon listens on: links point there when no public URL is configured. */
  listeningOn(address: string): void {
    this.address = address;
  }

  /** Listens to the runtime, finishes what a restart cut short, and polls GitHub as configured. */
  /**
   * Listens for tasks from now on, and catches up on the open ones (assigns
   * those never assigned, reaches people never reached). The daemon is ready
   * without waiting for that: `recovered` says when it is done.
   */
  async start(): Promise<void> {
    this.detach = this.notifier.attach();
    this.recovered = this.notifier.recover().catch((error: unknown) => {
      this.options.log?.('error', `catching up on open tasks failed: ${toError(error).message}`);
    });
    const every = this.options.config.github.pollIntervalMs;
    if (this.github && every > 0) {
      this.poller = setInterval(() => void this.pollOnce(), every);
      this.poller.unref();
    }
  }

  /** One pass of the polling path (the poller runs it; tests call it). */
  async pollOnce(): Promise<void> {
    if (!this.github || this.polling) return;
    this.polling = true;
    try {
      await this.github.poll();
    } catch (error) {
      this.options.log?.('warn', `polling GitHub failed: ${toError(error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Takes no more tasks, then lets the mails and comments under way finish
   * for up to `graceMs` (a shutdown must stay quick; a mail cut off is sent
   * again by the next start, which finds it unrecorded).
   */
  async stop(graceMs = 1_000): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.detach?.();
    this.notifier.stop();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all([this.recovered, this.notifier.idle()]), grace]);
    clearTimeout(timer);
    this.mailer?.close();
  }
}
