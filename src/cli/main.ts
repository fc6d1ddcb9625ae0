#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { toError } from '../errors.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { registerClientCommands } from './client-commands.js';
import { registerPlanCommand } from './plan.js';
import { serveCommand } from './serve.js';
import { collect } from './vars.js';

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

/** Runs a command; a PipelaneError becomes its message and its exit code, never a stack trace. */
export async function guard(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (e) {
    const error = toError(e);
    err(`pipelane: ${error.message}`);
    if (error.code === 'INTERNAL' && error.cause instanceof Error && error.cause.stack) err(error.cause.stack);
    process.exitCode = error.exitCode;
  }
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return n;
}

export function buildProgram(): Command {
  const program = new Command('pipelane')
    .description('Git-native BPMN 2.0 pipelines: validate, plan and run models whose script tasks run in Docker.')
    .showHelpAfterError()
    .exitOverride((e) => {
      // commander's own usage errors exit 2, like other Unix tools.
      process.exit(e.exitCode === 0 ? 0 : 2);
    });

  program
    .command('validate')
    .description('load and validate models and sidecars; exit 1 on errors')
    .argument('[paths...]', '.bpmn files or directories (default: the current directory)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--repo <dir>', 'repository root that script paths are resolved against', '.')
    .action((paths: string[], opts: { format: 'text' | 'json' | 'github'; repo: string }) => guard(() => validateCommand(paths, opts, out)));

  program
    .command('run')
    .description('run one instance in the foreground to its end; exit 0 when it completed')
    .argument('<file>', 'the .bpmn file')
    .option('--process <id>', 'the process to start, when the file has several')
    .option('--var <name=value>', 'a start variable (repeatable); JSON values are parsed', collect, [])
    .option('--vars-file <file>', 'a JSON file with one object of start variables')
    .option('--data-dir <dir>', 'where the database, logs and workspaces live (default .pipelane)')
    .option('--repo <dir>', 'repository root (default: the enclosing git repository)')
    .option('--json', 'print the final state as JSON')
    .action((file: string, opts: { process?: string; var: string[]; varsFile?: string; dataDir?: string; repo?: string; json?: boolean }) =>
      guard(() =>
        runCommand(file, opts, {
          out,
          err,
          ...(process.stdin.isTTY ? { terminal: { input: process.stdin, output: process.stdout } } : {}),
        }),
      ),
    );

  program
    .command('serve')
    .description('the daemon: deploy the models of a directory or follow a git repository, run their instances and schedules, serve the REST API')
    .option('--models <dir>', 'directory of .bpmn files, their sidecars and scripts, deployed as it is at start')
    .option('--repo <url|path>', 'follow a git repository: a URL (credentials from PIPELANE_GIT_TOKEN / PIPELANE_GIT_SSH_COMMAND) or a local path')
    .option('--branch <name>', 'the branch to follow (default main)')
    .option('--path <dir>', 'the models live below this directory of the repository')
    .option('--poll <duration>', 'how often a remote is fetched (default 30s)')
    .option('--worktree', 'development: redeploy the working tree of a local --repo on every saved file')
    .option('--data-dir <dir>', 'where the database, logs and workspaces live (default .pipelane)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; any other needs PIPELANE_TOKENS)')
    .option('--port <port>', 'port to listen on (default 8080; 0 picks a free one)', wholeNumber)
    .option('--concurrency <n>', 'jobs that run at once (default 4)', wholeNumber)
    .action((opts: { models?: string; repo?: string; branch?: string; path?: string; poll?: string; worktree?: boolean; dataDir?: string; host?: string; port?: number; concurrency?: number }) =>
      // The daemon's own work (Docker log streams of running jobs) would keep the process up: exit once it stopped.
      guard(() => serveCommand(opts, { out })).then(() => process.exit()),
    );

  registerPlanCommand(program, { out, guard });
  registerClientCommands(program, { out, err, guard });
  return program;
}

await buildProgram().parseAsync(process.argv);
