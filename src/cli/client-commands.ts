import type { Command } from 'commander';
import { completeUserTask } from '../approvals/complete-task.js';
import { openSqliteStore } from '../adapters/sqlite/index.js';
import { loadConfig } from '../config/config.js';
import { collect, parseVars } from './vars.js';

interface ClientIO {
  out: (text: string) => void;
  err: (text: string) => void;
  guard: (action: () => Promise<number>) => Promise<void>;
}

/** Commands that act on the instances of a data directory. */
export function registerClientCommands(program: Command, io: ClientIO): void {
  const tasks = program.command('tasks').description('user tasks waiting for a person');
  tasks
    .command('list', { isDefault: true })
    .description('list open tasks')
    .option('--data-dir <dir>', 'the data directory')
    .action((opts: { dataDir?: string }) =>
      io.guard(async () => {
        const store = openSqliteStore(loadConfig(opts.dataDir ? { dataDir: opts.dataDir } : {}).dataDir);
        try {
          for (const t of store.listUserTasks({ state: 'open' })) io.out(`${t.id}\t${t.processId}\t${t.name ?? t.elementId}\tinstance ${t.instanceId}`);
          return 0;
        } finally {
          store.close();
        }
      }),
    );
  tasks
    .command('complete')
    .description('complete an open task with variables')
    .argument('<id>', 'the task id')
    .option('--var <name=value>', 'a variable (repeatable)', collect, [])
    .option('--data-dir <dir>', 'the data directory')
    .action((id: string, opts: { var: string[]; dataDir?: string }) =>
      io.guard(async () => {
        const store = openSqliteStore(loadConfig(opts.dataDir ? { dataDir: opts.dataDir } : {}).dataDir);
        try {
          completeUserTask(store, id, parseVars(opts.var), 'cli', Date.now());
          io.out(`task ${id} completed`);
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
