/** `pipelane plan`: what a revision would change, for review before it is merged and deployed. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ERROR_CODES, PipelaneError, type ErrorCode } from '../errors.js';
import { computePlan } from '../gitops/plan.js';
import { formatPlan, type PlanFormat } from '../gitops/plan-format.js';

export interface PlanCommandOptions {
  repo: string;
  from?: string;
  to?: string;
  path?: string;
  /** A running daemon whose deployed revision is the default --from (else PIPELANE_SERVER). */
  server?: string;
  /** Its bearer token (else PIPELANE_TOKEN). */
  token?: string;
  format: PlanFormat;
}

/** Prints the plan; exits 1 when a file of the target revision fails validation. */
export async function planCommand(options: PlanCommandOptions, out: (text: string) => void): Promise<number> {
  const config = loadConfig({ ...(options.server ? { server: options.server } : {}), ...(options.token ? { serverToken: options.token } : {}) });
  const deployed = !options.from && config.server ? { server: config.server, revision: await deployedRevision(config.server, config.serverToken) } : undefined;
  const plan = await computePlan({
    repoDir: resolve(options.repo),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(deployed ? { deployed } : {}),
    ...(options.path ? { path: options.path } : {}),
    access: { baseEnv: config.environment, ...config.git },
    now: Date.now(),
  });
  out(formatPlan(plan, options.format));
  return plan.invalid.some((f) => f.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

/** The revision `GET /api/v1/gitops` of a daemon reports (undefined: it has deployed nothing yet). */
async function deployedRevision(server: string, token: string | undefined): Promise<string | undefined> {
  const url = `${server.replace(/\/+$/, '')}/api/v1/gitops`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new PipelaneError('SERVER_UNREACHABLE', `cannot reach the daemon at ${server}: ${cause?.code ?? (error as Error).message}; pass --from instead.`, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as { revision?: unknown; code?: string; message?: string };
  if (response.status === 404) throw new PipelaneError('CONFIG_INVALID', `the daemon at ${server} follows no repository (it was started with --models, not --repo); pass --from instead.`);
  if (!response.ok) {
    const code: ErrorCode = body.code && body.code in ERROR_CODES ? (body.code as ErrorCode) : 'SERVER_UNREACHABLE';
    throw new PipelaneError(code, `GET ${url} answered ${response.status}: ${body.message ?? response.statusText}`);
  }
  if (body.revision !== undefined && typeof body.revision !== 'string') throw new PipelaneError('SERVER_UNREACHABLE', `GET ${url} did not answer with a revision; is ${server} a Pipelane daemon?`);
  return body.revision;
}

export function registerPlanCommand(
  program: Command,
  io: { out: (text: string) => void; guard: (action: () => Promise<number>) => Promise<void> },
): void {
  program
    .command('plan')
    .description('show what a revision changes: processes, versions, schedules with their next fires, invalid files; exit 1 on an invalid file')
    .option('--repo <dir>', 'the git repository', '.')
    .option('--from <rev>', 'the revision deployed now (default: what --server runs, else the merge-base with the default branch, else HEAD or HEAD~1)')
    .option('--to <rev>', 'the revision to deploy (default: the working tree when it has changes, else HEAD)')
    .option('--path <dir>', 'the models live below this directory of the repository')
    .option('--server <url>', 'a running daemon (serve --repo): what it runs is the default --from (or PIPELANE_SERVER)')
    .option('--token <token>', 'the bearer token for --server (or PIPELANE_TOKEN)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .action((opts: PlanCommandOptions) => io.guard(() => planCommand(opts, io.out)));
}
