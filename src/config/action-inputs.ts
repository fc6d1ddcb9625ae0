import { PipelaneError } from '../errors.js';

/**
 * The inputs of the GitHub Action (action.yml passes each as a
 * PIPELANE_ACTION_* variable) and the runner's environment it writes to.
 */
export interface ActionInputs {
  command: 'validate' | 'plan' | 'run' | 'sync';
  paths: string[];
  file?: string;
  process?: string;
  vars: string[];
  from?: string;
  to?: string;
  server?: string;
  token?: string;
  /** The checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** The job summary file (GITHUB_STEP_SUMMARY), when the runner offers one. */
  summaryFile?: string;
}

const COMMANDS = ['validate', 'plan', 'run', 'sync'] as const;

export function loadActionInputs(env: NodeJS.ProcessEnv = process.env): ActionInputs {
  const get = (name: string) => {
    const value = env[`PIPELANE_ACTION_${name}`]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const command = get('COMMAND') ?? 'validate';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new PipelaneError('BAD_REQUEST', `the action's command is "${command}"; use one of ${COMMANDS.join(', ')}.`);
  }
  const optional = (name: string, key: string) => {
    const value = get(name);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    command: command as ActionInputs['command'],
    paths: (get('PATHS') ?? '.').split(/\s+/).filter(Boolean),
    vars: (get('VARS') ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    ...optional('FILE', 'file'),
    ...optional('PROCESS', 'process'),
    ...optional('FROM', 'from'),
    ...optional('TO', 'to'),
    ...optional('SERVER', 'server'),
    ...optional('TOKEN', 'token'),
    ...(env['GITHUB_STEP_SUMMARY'] ? { summaryFile: env['GITHUB_STEP_SUMMARY'] } : {}),
  };
}
