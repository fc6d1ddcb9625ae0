/**
 * `pipelane serve`: the daemon. Loads the models of a directory, deploys the
 * valid ones, recovers what the last run left (outbox, running containers,
 * due timers), serves the REST API, and applies commands that other
 * processes (the CLI on the same data directory) left in the outbox.
 */
import { existsSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { openConnection, SqliteStore } from '../adapters/sqlite/index.js';
import { SqliteGitOpsStore } from '../adapters/sqlite/gitops-store.js';
import { SqliteApprovalStore } from '../adapters/sqlite/approval-store.js';
import { Approvals } from '../approvals/service.js';
import { loadConfig, type CompiledConfig } from '../config/config.js';
import { PipelaneError, toError } from '../errors.js';
import { startDaemonGitOps } from '../gitops/daemon.js';
import { loadRepository } from '../gitops/discover.js';
import { isLoopback } from '../http/auth.js';
import { Metrics } from '../http/metrics.js';
import { createApiServer } from '../http/server.js';
import type { Store } from '../ports/store.js';
import type { RuntimeActivity } from '../runtime/activity.js';
import type { Runtime } from '../runtime/runtime.js';
import { sweepWorkspaces } from '../runtime/workspaces.js';
import { lockDataDir } from '../adapters/data-dir-lock.js';
import { terminalDestination } from './log-lines.js';
import { deployModelFile, openRuntime } from './open-runtime.js';

export interface ServeOptions {
  /** A directory of models, deployed as it is at start; or follow a repository with `repo`. */
  models?: string;
  repo?: string;
  branch?: string;
  path?: string;
  poll?: string;
  worktree?: boolean;
  dataDir?: string;
  host?: string;
  port?: number;
  concurrency?: number;
}

/** Commands written to the outbox by another process are picked up this often. */
const OUTBOX_POLL_MS = 500;

/** Workspaces of ended instances are checked against the retention this often. */
const WORKSPACE_SWEEP_MS = 60 * 60 * 1000;

/** Runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function serveCommand(options: ServeOptions, io: { out: (text: string) => void }): Promise<number> {
  const config = loadConfig({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    ...(options.path !== undefined ? { repoPath: options.path } : {}),
    ...(options.poll !== undefined ? { poll: options.poll } : {}),
    ...(options.worktree !== undefined ? { worktree: options.worktree } : {}),
  });
  if ((options.models === undefined) === (config.gitops === undefined)) {
    throw new PipelaneError('CONFIG_INVALID', 'give either --models <dir> (deploy a directory as it is) or --repo <url|path> (follow a git repository).');
  }
  if (!isLoopback(config.host) && config.tokens.length === 0) {
    throw new PipelaneError(
      'CONFIG_INVALID',
      `refusing to listen on ${config.host} without a token: anyone who reaches it could start and cancel pipelines. ` +
        'Set PIPELANE_TOKENS=<token>[,<token>…] (16 characters or more each), or listen on 127.0.0.1.',
    );
  }
  const modelsDir = options.models === undefined ? undefined : resolve(options.models);
  if (modelsDir && (!existsSync(modelsDir) || !statSync(modelsDir).isDirectory())) throw new PipelaneError('MODEL_NOT_FOUND', `--models ${options.models} is not a directory.`);
  // JSON lines for collectors; lines a person reads when stderr is a terminal.
  const destination = process.stderr.isTTY ? terminalDestination(process.stderr) : pino.destination({ dest: 2, sync: true });
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, destination);
  process.on('uncaughtExceptionMonitor', (error) => logger.fatal({ err: error }, 'the daemon stops on an unexpected error; the next start recovers'));

  // Before anything is written: a second daemon on this data directory is refused, having changed nothing.
  lockDataDir(config.dataDir, 'serve');
  const db = openConnection(config.dataDir);
  const store = new SqliteStore(db);
  let runtime: Runtime;
  try {
    if (modelsDir) await deployModels(store, modelsDir, logger);
    runtime = openRuntime(config, store);
  } catch (error) {
    store.close();
    throw error;
  }
  const metrics = new Metrics();
  runtime.onActivity((activity) => {
    metrics.observe(activity);
    logActivity(logger, activity);
  });
  let accepting = true;
  await runtime.recover();
  const gitops = config.gitops ? await startDaemonGitOps({ config: { ...config, gitops: config.gitops }, store, gitopsStore: new SqliteGitOpsStore(db), runtime, log: logger }) : undefined;
  // Approvals take issue comments at POST /webhooks/github and hand every other event to GitOps' route.
  const approvals = new Approvals({
    runtime, approvals: new SqliteApprovalStore(db), logs: runtime.options.logs, workspacesDir: runtime.options.workspacesDir, config,
    log: (level, message, fields) => logger[level](fields ?? {}, message),
    ...(gitops ? { webhookFallback: gitops.webhookRoute } : {}),
  });
  const server = createApiServer({
    api: { runtime, metrics, accepting: () => accepting, ...(gitops ? { health: gitops.health, extraMetrics: gitops.metrics } : {}) },
    routes: [...(gitops ? gitops.routes : []), ...approvals.routes],
    tokens: config.tokens,
    onError: (error, request) => logger.error({ err: error.cause ?? error, ...request }, `request failed: ${error.message}`),
  });

  const poll = setInterval(() => {
    try {
      runtime.applyOutbox();
    } catch (error) {
      logger.error({ err: error }, `applying the outbox failed: ${toError(error).message}`);
    }
  }, OUTBOX_POLL_MS);
  const sweep = () => {
    const { removed, failed } = sweepWorkspaces(store, join(config.dataDir, 'workspaces'), config.workspaceRetentionMs, Date.now());
    if (removed.length > 0) logger.info({ instances: removed }, `removed ${removed.length} workspace(s) older than the retention`);
    for (const f of failed) logger.warn({ instance: f.name }, `the workspace of ${f.name} could not be removed (${f.message}); the next sweep tries again`);
  };
  sweep();
  const sweeper = setInterval(sweep, WORKSPACE_SWEEP_MS);
  const address = await listen(server, config);
  // Links in mails point at the address the daemon really got (--port 0 picks one).
  approvals.listeningOn(address);
  await approvals.start();
  void approvals.recovered.then(() => logger.debug('caught up on the open tasks'));
  logger.info({ address, dataDir: config.dataDir, ...(modelsDir ? { models: modelsDir } : { repo: gitops?.gitops.source.description }), auth: config.tokens.length > 0 }, 'ready');
  io.out(`listening on ${address}`);

  return new Promise<number>((done) => {
    const shutdown = (signal: NodeJS.Signals) => {
      if (!accepting) return;
      accepting = false;
      logger.info({ signal, runningJobs: runtime.jobs.active }, 'shutting down; running containers are left alone and re-attached on the next start');
      clearInterval(poll);
      clearInterval(sweeper);
      runtime.stop();
      server.close();
      server.closeAllConnections();
      void Promise.all([approvals.stop(), runtime.jobs.settled(), gitops?.stop()])
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping failed'))
        .finally(() => {
          try {
            store.close();
          } catch (error) {
            logger.warn({ err: error }, 'closing the database failed');
          }
          done(0);
        });
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
}

/** Deploys every valid model of the directory; an invalid file is reported and its last good version stays. */
async function deployModels(store: Store, modelsDir: string, logger: Logger): Promise<void> {
  const files = await loadRepository(modelsDir);
  const now = Date.now();
  for (const file of files) {
    if (!file.model) {
      logger.error(
        { file: file.file, diagnostics: file.diagnostics.map((d) => ({ severity: d.severity, rule: d.rule, element: d.element, message: d.message, fix: d.fix })) },
        `${file.file} is invalid and was not deployed; its last good version, if any, stays active`,
      );
      continue;
    }
    const deployment = deployModelFile(store, modelsDir, file, now);
    logger.info({ file: file.file, deployment: deployment.id, processes: deployment.processIds }, 'deployed');
  }
  if (files.length === 0) logger.warn({ models: modelsDir }, 'no .bpmn file found');
}

function listen(server: Server, config: CompiledConfig): Promise<string> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new PipelaneError('CONFIG_INVALID', `cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}.`, { cause: error })),
    );
    server.listen(config.port, config.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      resolveListen(`http://${host}:${port}`);
    });
  });
}

function logActivity(logger: Logger, a: RuntimeActivity): void {
  switch (a.kind) {
    case 'instanceStarted':
      logger.info({ instance: a.instanceId, process: a.processId, deployment: a.deploymentId }, 'instance started');
      return;
    case 'jobStarted':
      logger.info({ instance: a.instanceId, job: a.jobId, element: a.elementId, attempt: a.attempt }, 'job started');
      return;
    case 'jobFinished': {
      const fields = { instance: a.instanceId, job: a.jobId, element: a.elementId, attempt: a.attempt, outcome: a.outcome.kind, durationMs: a.durationMs, willRetry: a.willRetry };
      if (a.outcome.kind === 'failed') logger.warn({ ...fields, reason: a.outcome.reason, message: a.outcome.message }, 'job failed');
      else logger.info(fields, 'job finished');
      return;
    }
    case 'log':
      logger.debug({ instance: a.instanceId, job: a.jobId, stream: a.line.stream }, a.line.text);
      return;
    case 'userTaskOpened':
      logger.info({ instance: a.instanceId, task: a.taskId, element: a.elementId }, 'user task opened');
      return;
    case 'incident':
      logger.warn({ instance: a.instanceId, incident: a.incidentId, element: a.elementId }, `incident: ${a.message}`);
      return;
    case 'instanceEnded':
      logger.info({ instance: a.instanceId, status: a.status, ...(a.error ? { error: a.error } : {}) }, 'instance ended');
      return;
    case 'warning':
      logger.warn({ instance: a.instanceId }, a.message);
      return;
  }
}
