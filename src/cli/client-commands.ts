/**
 * Commands that act on instances: against a data directory (`--data-dir`,
 * the SQLite store opened directly; changes wait in the outbox for the daemon
 * or `pipelane run` on that directory) or a running daemon (`--server URL
 * --token T`, through the REST API). Same output either way.
 */
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/config.js';
import type { InstanceStatus } from '../engine/index.js';
import { PipelaneError } from '../errors.js';
import type { Backend } from './client-backend.js';
import { formatInstance, formatInstances, formatLogEntry, formatRetried, formatTasks } from './client-format.js';
import { LocalBackend } from './client-local.js';
import { RemoteBackend } from './client-remote.js';
import { collect, parseVars } from './vars.js';

interface ClientIO {
  out: (text: string) => void;
  err: (text: string) => void;
  guard: (action: () => Promise<number>) => Promise<void>;
}

interface TargetOptions {
  dataDir?: string;
  server?: string;
  token?: string;
  json?: boolean;
}

/** Adds the options that choose where the command works, and --json. */
function target(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'work on this data directory (default .pipelane)')
    .option('--server <url>', 'work against a running daemon, e.g. http://127.0.0.1:8080 (default PIPELANE_SERVER)')
    .option('--token <token>', 'the bearer token for --server (default PIPELANE_TOKEN)')
    .option('--json', 'print JSON (the REST API shapes)');
}

/** --server (or PIPELANE_SERVER, unless --data-dir is given) is a daemon; else the data directory. */
function open(opts: TargetOptions): Backend {
  if (opts.server !== undefined && opts.dataDir !== undefined) throw new PipelaneError('BAD_REQUEST', 'use --server or --data-dir, not both.');
  const config = loadConfig({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.server ? { server: opts.server } : {}),
    ...(opts.token ? { serverToken: opts.token } : {}),
  });
  if (config.server !== undefined && (opts.server !== undefined || opts.dataDir === undefined)) return new RemoteBackend(config.server, config.serverToken);
  return new LocalBackend(config.dataDir);
}

export function registerClientCommands(program: Command, io: ClientIO): void {
  /** Runs an action with a backend, closing it after; prints lines or, with --json, the value. */
  const run = <T>(opts: TargetOptions, action: (backend: Backend) => Promise<T>, text: (value: T) => string[]) =>
    io.guard(async () => {
      const backend = open(opts);
      try {
        const value = await action(backend);
        if (opts.json) io.out(JSON.stringify(value, null, 2));
        else for (const line of text(value)) io.out(line);
        return 0;
      } finally {
        backend.close();
      }
    });

  target(program.command('instances').description('list instances, newest first'))
    .option('--process <id>', 'only instances of this process')
    .addOption(new Option('--state <state>', 'only instances in this state').choices(['running', 'completed', 'failed', 'cancelled']))
    .option('--limit <n>', 'how many (default 50)', (v) => Number(v))
    .option('--cursor <cursor>', 'the next page, as the previous one said')
    .action((opts: TargetOptions & { process?: string; state?: InstanceStatus; limit?: number; cursor?: string }) =>
      run(opts, (b) => b.listInstances({
        ...(opts.process ? { process: opts.process } : {}), ...(opts.state ? { state: opts.state } : {}),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}),
      }), formatInstances),
    );

  target(program.command('show').description('one instance: state, variables, incidents, jobs and history').argument('<id>', 'the instance id'))
    .action((id: string, opts: TargetOptions) => run(opts, (b) => b.getInstance(id), formatInstance));

  target(program.command('logs').description("an instance's task logs").argument('<id>', 'the instance id'))
    .option('--task <element>', 'only the jobs of this task (element id or job id)')
    .option('--follow', 'keep printing new lines until no job of the instance is queued or running')
    .action((id: string, opts: TargetOptions & { task?: string; follow?: boolean }) =>
      io.guard(async () => {
        const backend = open(opts);
        const print = (entry: Parameters<typeof formatLogEntry>[0]) => io.out(opts.json ? JSON.stringify(entry) : formatLogEntry(entry));
        try {
          if (opts.follow) await backend.followLogs(id, opts.task, print);
          else for (const entry of await backend.logs(id, opts.task)) print(entry);
          return 0;
        } finally {
          backend.close();
        }
      }),
    );

  target(program.command('cancel').description('cancel a running instance: its containers stop, its timers and tasks close').argument('<id>', 'the instance id'))
    .action((id: string, opts: TargetOptions) => run(opts, (b) => b.cancel(id), (r) => [`instance ${r.id} ${r.state}`]));

  target(program.command('retry').description('retry the open incidents of an instance').argument('<id>', 'the instance id'))
    .action((id: string, opts: TargetOptions) => run(opts, (b) => b.retry(id), (incidents) => formatRetried(id, incidents)));

  const tasks = program.command('tasks').description('user tasks waiting for a person');
  target(tasks.command('list', { isDefault: true }).description('list open tasks'))
    .option('--instance <id>', 'only the tasks of this instance')
    .option('--all', 'completed and cancelled tasks too')
    .action((opts: TargetOptions & { instance?: string; all?: boolean }) =>
      run(opts, (b) => b.listTasks({ state: opts.all ? 'all' : 'open', ...(opts.instance ? { instance: opts.instance } : {}) }), formatTasks),
    );
  target(tasks.command('complete').description('complete an open task with variables').argument('<id>', 'the task id'))
    .option('--var <name=value>', 'a variable (repeatable)', collect, [])
    .action((id: string, opts: TargetOptions & { var: string[] }) => {
      const complete = (b: Backend) => b.completeTask(id, parseVars(opts.var));
      return run(opts, complete, (t) => [`task ${t.id} completed`]);
    });
  for (const [verb, approved] of [['approve', true], ['reject', false]] as const) {
    target(tasks.command(verb).description(`${verb} an open approval (approved=${approved}); the first decision wins`).argument('<id>', 'the task id'))
      .option('--comment <text>', approved ? 'a comment' : 'the reason')
      .action((id: string, opts: TargetOptions & { comment?: string }) =>
        run(opts, (b) => b.completeTask(id, { approved, comment: opts.comment ?? '' }), (t) => [`task ${t.id} ${approved ? 'approved' : 'rejected'}`]),
      );
  }
}
