/**
 * GitOps inside `pipelane serve`: follows the configured repository, fires
 * the schedules through the runtime, and contributes its routes, its part of
 * /healthz and its metrics. `serve` calls `startDaemonGitOps` once the
 * runtime has recovered.
 */
import { systemClock } from '../adapters/system-clock.js';
import type { CompiledConfig } from '../config/config.js';
import type { Route } from '../http/router.js';
import type { GitOpsStore } from '../ports/gitops-store.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import type { Runtime } from '../runtime/runtime.js';
import { GitOps } from './gitops.js';
import { gitopsRoutes, statusView } from './routes.js';
import { pushWebhookRoute } from './webhook.js';

export interface DaemonGitOps {
  gitops: GitOps;
  /** The /api/v1 routes (status, sync, revisions, schedules). */
  routes: Route[];
  /** `POST /webhooks/github` for pushes; where another module owns that route, hand it `onWebhookEvent` instead. */
  webhookRoute: Route;
  /** A verified, first-seen delivery: a push to the followed branch syncs at once. */
  onWebhookEvent(event: string, payload: unknown): void;
  /** What /healthz says about the repository. */
  health(): Record<string, unknown>;
  /** Prometheus lines. */
  metrics(): string;
  stop(): Promise<void>;
}

export async function startDaemonGitOps(options: {
  config: CompiledConfig & { gitops: NonNullable<CompiledConfig['gitops']> };
  store: Store;
  gitopsStore: GitOpsStore;
  runtime: Runtime;
  log: Log;
}): Promise<DaemonGitOps> {
  const { config, store, runtime, log } = options;
  const gitops = await GitOps.open({
    ...config.gitops,
    dataDir: config.dataDir,
    access: { baseEnv: config.environment, ...config.git },
    store,
    gitops: options.gitopsStore,
    clock: systemClock,
    starter: runtime,
    log,
  });
  const offActivity = runtime.onActivity((a) => {
    if (a.kind === 'instanceEnded') gitops.scheduler.instanceEnded();
  });
  await gitops.start();
  const webhook = pushWebhookRoute({
    secret: config.github.webhookSecret,
    store,
    now: () => systemClock.now(),
    log,
    branch: config.gitops.branch,
    sync: () => void gitops.sync.syncNow('webhook'),
  });
  return {
    gitops,
    routes: gitopsRoutes(gitops),
    webhookRoute: webhook,
    onWebhookEvent(event, payload) {
      const ref = (payload as { ref?: unknown } | null)?.ref;
      if (event !== 'push' || ref !== `refs/heads/${config.gitops.branch}`) return;
      log.info({ event, ref }, `push to ${config.gitops.branch}: syncing now`);
      void gitops.sync.syncNow('webhook');
    },
    health: () => ({ gitops: statusView(gitops.status()) }),
    metrics: () => metricsOf(gitops),
    async stop() {
      offActivity();
      await gitops.stop();
    },
  };
}

function metricsOf(gitops: GitOps): string {
  const s = gitops.status();
  const schedules = gitops.schedules();
  const lines = [
    '# HELP pipelane_gitops_sync_failing 1 while the repository cannot be synced (the last good revision stays deployed).',
    '# TYPE pipelane_gitops_sync_failing gauge',
    `pipelane_gitops_sync_failing ${s.state === 'failing' ? 1 : 0}`,
    '# HELP pipelane_gitops_sync_consecutive_failures Failed sync attempts since the last success.',
    '# TYPE pipelane_gitops_sync_consecutive_failures gauge',
    `pipelane_gitops_sync_consecutive_failures ${s.consecutiveFailures}`,
    '# HELP pipelane_gitops_last_sync_timestamp_seconds When the repository was last synced successfully.',
    '# TYPE pipelane_gitops_last_sync_timestamp_seconds gauge',
    `pipelane_gitops_last_sync_timestamp_seconds ${s.syncedAt === undefined ? 0 : s.syncedAt / 1000}`,
    '# HELP pipelane_schedules Active schedules.',
    '# TYPE pipelane_schedules gauge',
    `pipelane_schedules ${schedules.length}`,
  ];
  if (s.lastReconcile) {
    lines.push(
      '# HELP pipelane_gitops_reconcile_duration_seconds How long the last reconcile took.',
      '# TYPE pipelane_gitops_reconcile_duration_seconds gauge',
      `pipelane_gitops_reconcile_duration_seconds ${s.lastReconcile.durationMs / 1000}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
