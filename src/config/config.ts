import { resolve } from 'node:path';
import { z } from 'zod';
import { isDaemonSetting } from '../model/daemon-settings.js';
import { apiToken } from './api-tokens.js';
import { PipelaneError } from '../errors.js';
import { parseDuration } from '../model/units.js';

/**
 * Settings as they come in (command-line flags); `loadConfig` merges them
 * with the environment and checks them into one frozen CompiledConfig. This
 * is the only place that reads `process.env`.
 */
export interface PipelaneOptions {
  dataDir?: string;
  dockerHost?: string;
  concurrency?: number;
  host?: string;
  port?: number;
  tokens?: string[];
  logLevel?: string;
  /** How long the /workspace of an ended instance is kept, e.g. `7d` (PIPELANE_WORKSPACE_RETENTION). */
  workspaceRetention?: string;
  publicUrl?: string;
  /** `serve --repo`: follow a git repository (a URL or a local path). */
  repo?: string;
  branch?: string;
  /** The models live below this directory of the repository. */
  repoPath?: string;
  /** How often a remote is fetched, e.g. `30s`. */
  poll?: string;
  worktree?: boolean;
  /** A running daemon that a client command asks (--server, PIPELANE_SERVER), and its bearer token (--token, PIPELANE_TOKEN). */
  server?: string;
  serverToken?: string;
}

const schema = z.object({
  dataDir: z.string().min(1),
  dockerHost: z.string().min(1).optional(),
  concurrency: z.number().int().min(1).max(256),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  /** PIPELANE_TOKENS: `token` or `name=token` entries, comma-separated (config/api-tokens.ts). */
  tokens: z.array(z.string().refine((entry) => apiToken(entry, 0).secret.length >= 16, 'a token must have at least 16 characters')),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** The /workspace of an ended instance is removed this long after it ended. */
  workspaceRetentionMs: z.number({ error: 'is not a duration such as 12h or 7d' }).int().min(0),
  /**
   * TEST HOOK, never for production: `<command type>[:<element id>]` makes the
   * process SIGKILL itself after committing a step and before applying its
   * first command of that type (and element), so tests can crash the daemon
   * between the commit and the apply. The type `jobOutcome` kills it when a
   * job's outcome arrives, before it is stored (its container has exited).
   * Set by PIPELANE_TEST_CRASH_AFTER_COMMIT.
   */
  testCrashAfterCommit: z.string().regex(/^[A-Za-z]+(:.+)?$/).optional(),
  /** Where people reach the daemon: emailed links point here (PIPELANE_PUBLIC_URL; else pipelane.yaml's channels.publicUrl). */
  publicUrl: z.url().optional(),
  /** Mail for approvals and failures: PIPELANE_SMTP_URL (smtp[s]://user:pass@host:port) and PIPELANE_SMTP_FROM. */
  smtp: z.object({ url: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'), from: z.string().min(3).optional() }).optional(),
  /** GitHub approvals: PIPELANE_GITHUB_TOKEN (or GITHUB_TOKEN), PIPELANE_GITHUB_API_URL, PIPELANE_GITHUB_WEBHOOK_SECRET, PIPELANE_GITHUB_POLL_SECONDS (0: webhook only). */
  github: z.object({
    token: z.string().min(1).optional(),
    apiUrl: z.url(),
    webhookSecret: z.string().min(1).optional(),
    pollIntervalMs: z.number().int().min(0),
  }),
  /**
   * GitOps: the repository `serve` follows (--repo, PIPELANE_REPO; --branch, --path, --poll, --worktree).
   * Credentials for a remote come from the environment only: PIPELANE_GIT_TOKEN (HTTPS, with
   * PIPELANE_GIT_USERNAME, default x-access-token) or PIPELANE_GIT_SSH_COMMAND (a key for ssh://).
   */
  gitops: z
    .object({ repo: z.string().min(1), branch: z.string().regex(/^[^\s~^:?*[\\]+$/, 'is not a branch name'), path: z.string(), pollMs: z.number().int().min(1000, 'must be at least 1s'), worktree: z.boolean() })
    .optional(),
  git: z.object({ token: z.string().min(1).optional(), username: z.string().min(1).optional(), sshCommand: z.string().min(1).optional() }),
  server: z.url().optional(),
  serverToken: z.string().min(1).optional(),
  /** Signs the CSRF tokens of approval pages (PIPELANE_SECRET); without it a random key per run. */
  secret: z.string().min(16, 'must have at least 16 characters').optional(),
});

export type CompiledConfig = Readonly<z.output<typeof schema>> & {
  /** The daemon's environment as it started, for the programs it runs (git). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** What sidecars may name as secrets: the environment without the daemon's own settings. */
  readonly secrets: Readonly<Record<string, string | undefined>>;
};

export const DEFAULTS = { dataDir: '.pipelane', concurrency: 4, host: '127.0.0.1', port: 8080, logLevel: 'info', workspaceRetention: '7d' } as const;

export function loadConfig(flags: PipelaneOptions = {}, env: NodeJS.ProcessEnv = process.env): CompiledConfig {
  const number = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
  const merged = {
    dataDir: resolve(flags.dataDir ?? env['PIPELANE_DATA_DIR'] ?? DEFAULTS.dataDir),
    dockerHost: flags.dockerHost ?? (env['DOCKER_HOST'] || undefined),
    concurrency: flags.concurrency ?? number(env['PIPELANE_CONCURRENCY']) ?? DEFAULTS.concurrency,
    host: flags.host ?? env['PIPELANE_HOST'] ?? DEFAULTS.host,
    port: flags.port ?? number(env['PIPELANE_PORT']) ?? DEFAULTS.port,
    tokens: flags.tokens ?? (env['PIPELANE_TOKENS'] ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    logLevel: flags.logLevel ?? env['PIPELANE_LOG_LEVEL'] ?? DEFAULTS.logLevel,
    workspaceRetentionMs: parseDuration(flags.workspaceRetention ?? env['PIPELANE_WORKSPACE_RETENTION'] ?? DEFAULTS.workspaceRetention),
    testCrashAfterCommit: env['PIPELANE_TEST_CRASH_AFTER_COMMIT'] || undefined,
    publicUrl: flags.publicUrl ?? (env['PIPELANE_PUBLIC_URL'] || undefined),
    smtp: env['PIPELANE_SMTP_URL'] ? { url: env['PIPELANE_SMTP_URL'], ...(env['PIPELANE_SMTP_FROM'] ? { from: env['PIPELANE_SMTP_FROM'] } : {}) } : undefined,
    github: {
      ...(env['PIPELANE_GITHUB_TOKEN'] || env['GITHUB_TOKEN'] ? { token: env['PIPELANE_GITHUB_TOKEN'] || env['GITHUB_TOKEN'] } : {}),
      apiUrl: env['PIPELANE_GITHUB_API_URL'] || 'https://api.github.com',
      ...(env['PIPELANE_GITHUB_WEBHOOK_SECRET'] ? { webhookSecret: env['PIPELANE_GITHUB_WEBHOOK_SECRET'] } : {}),
      pollIntervalMs: (number(env['PIPELANE_GITHUB_POLL_SECONDS']) ?? 60) * 1000,
    },
    secret: env['PIPELANE_SECRET'] || undefined,
    server: flags.server ?? (env['PIPELANE_SERVER'] || undefined),
    serverToken: flags.serverToken ?? (env['PIPELANE_TOKEN'] || undefined),
    gitops: (flags.repo ?? env['PIPELANE_REPO'])
      ? {
          repo: flags.repo ?? env['PIPELANE_REPO'],
          branch: flags.branch ?? (env['PIPELANE_BRANCH'] || 'main'),
          path: flags.repoPath ?? env['PIPELANE_REPO_PATH'] ?? '',
          pollMs: parseDuration(flags.poll ?? (env['PIPELANE_POLL'] || '30s')) ?? -1,
          worktree: flags.worktree ?? false,
        }
      : undefined,
    git: {
      ...(env['PIPELANE_GIT_TOKEN'] ? { token: env['PIPELANE_GIT_TOKEN'] } : {}),
      ...(env['PIPELANE_GIT_USERNAME'] ? { username: env['PIPELANE_GIT_USERNAME'] } : {}),
      ...(env['PIPELANE_GIT_SSH_COMMAND'] ? { sshCommand: env['PIPELANE_GIT_SSH_COMMAND'] } : {}),
    },
  };
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PipelaneError('CONFIG_INVALID', `the configuration is invalid: ${problems}.`);
  }
  const secrets = Object.fromEntries(Object.entries(env).filter(([name]) => !isDaemonSetting(name)));
  return Object.freeze({ ...parsed.data, environment: Object.freeze({ ...env }), secrets: Object.freeze(secrets) });
}
