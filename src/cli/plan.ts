/** `pipelane plan`: what a revision would change, for review before it is merged and deployed. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { computePlan } from '../gitops/plan.js';
import { formatPlan, type PlanFormat } from '../gitops/plan-format.js';

export interface PlanCommandOptions {
  repo: string;
  from?: string;
  to?: string;
  path?: string;
  format: PlanFormat;
}

/** Prints the plan; exits 1 when a file of the target revision fails validation. */
export async function planCommand(options: PlanCommandOptions, out: (text: string) => void): Promise<number> {
  const config = loadConfig();
  const plan = await computePlan({
    repoDir: resolve(options.repo),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.path ? { path: options.path } : {}),
    access: { baseEnv: config.environment, ...config.git },
    now: Date.now(),
  });
  out(formatPlan(plan, options.format));
  return plan.invalid.some((f) => f.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

export function registerPlanCommand(
  program: Command,
  io: { out: (text: string) => void; guard: (action: () => Promise<number>) => Promise<void> },
): void {
  program
    .command('plan')
    .description('show what a revision changes: processes, versions, schedules with their next fires, invalid files; exit 1 on an invalid file')
    .option('--repo <dir>', 'the git repository', '.')
    .option('--from <rev>', 'the revision deployed now (default: the merge-base with the default branch, else HEAD~1)')
    .option('--to <rev>', 'the revision to deploy (default: the working tree)')
    .option('--path <dir>', 'the models live below this directory of the repository')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .action((opts: PlanCommandOptions) => io.guard(() => planCommand(opts, io.out)));
}
