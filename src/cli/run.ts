import { dirname, relative, resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { loadConfig } from '../config/config.js';
import { PipelaneError } from '../errors.js';
import { loadModelFile } from '../gitops/discover.js';
import type { RuntimeActivity } from '../runtime/activity.js';
import { PersonAtTerminal, type Terminal } from './ask-person.js';
import { deployModelFile, openRuntime } from './open-runtime.js';
import { formatDiagnostics } from './diagnostics-format.js';
import { parseVars, readVarsFile } from './vars.js';
import { progressLine } from './progress.js';

export interface RunOptions {
  process?: string;
  var: string[];
  varsFile?: string;
  dataDir?: string;
  repo?: string;
  json?: boolean;
}

export interface RunIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** A terminal to ask a person on, when there is one. */
  terminal?: Terminal;
}

/**
 * `pipelane run FILE.bpmn`: one instance in the foreground, to its end.
 * Exit 0 when it completed; 1 when it failed or stopped at an incident.
 */
export async function runCommand(file: string, options: RunOptions, io: RunIO): Promise<number> {
  const absolute = resolve(file);
  if (!existsSync(absolute)) throw new PipelaneError('MODEL_NOT_FOUND', `${file} does not exist.`);
  const repoDir = resolve(options.repo ?? findRepoRoot(dirname(absolute)));
  const variables = { ...(options.varsFile ? readVarsFile(options.varsFile) : {}), ...parseVars(options.var) };
  const loaded = await loadModelFile(repoDir, relative(repoDir, absolute).split(sep).join('/'));
  if (loaded.diagnostics.length > 0) io.err(formatDiagnostics(loaded.diagnostics, 'text'));
  if (!loaded.model) return 1;
  const processId = chooseProcess(loaded.model.processes, options.process, file);

  const config = loadConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  const runtime = openRuntime(config);
  const { store } = runtime;
  const deployment = deployModelFile(store, repoDir, loaded, runtime.now());
  let instanceId = '';
  // Questions still open when the instance ends (its task decided from another shell) stop.
  const questions = new AbortController();
  const person = new PersonAtTerminal(
    { store, dataDir: config.dataDir, out: io.out, err: io.err, apply: () => runtime.applyOutbox(), now: () => runtime.now() },
    io.terminal,
    questions.signal,
  );
  const ended = new Promise<'ended' | 'incident'>((resolveEnd) => {
    runtime.onActivity((activity) => {
      if (activity.instanceId !== instanceId && instanceId !== '') return;
      if (!options.json) {
        const line = progressLine(activity);
        if (line) io.out(line);
      }
      person.moved();
      if (activity.kind === 'userTaskOpened') person.taskOpened(activity.taskId);
      if (activity.kind === 'instanceEnded') resolveEnd('ended');
      if (activity.kind === 'incident') resolveEnd('incident');
    });
  });
  // Another shell may complete a task against the same data directory: its commands land in the outbox.
  const poll = setInterval(() => runtime.applyOutbox(), 500);
  try {
    instanceId = runtime.start({ processId, deploymentId: deployment.id, variables, actor: 'cli' });
    const how = await ended;
    const instance = store.getInstance(instanceId)!;
    const incidents = Object.values(instance.state.incidents);
    const summary = { id: instanceId, process: processId, state: instance.status, variables: instance.state.variables, incidents, ...(instance.state.error ? { error: instance.state.error } : {}) };
    if (options.json) io.out(JSON.stringify(summary, null, 2));
    else {
      io.out(`\n${processId} ${how === 'incident' ? 'stopped at an incident' : instance.status} (instance ${instanceId})`);
      if (instance.state.error) io.out(`error: ${instance.state.error.code ?? ''} ${instance.state.error.message}`.trim());
      io.out(`variables: ${JSON.stringify(instance.state.variables, null, 2)}`);
      if (how === 'incident') io.out(`Fix the cause, then: pipelane retry ${instanceId} --data-dir ${config.dataDir}`);
    }
    return how === 'ended' && instance.status === 'completed' ? 0 : 1;
  } finally {
    questions.abort();
    person.close();
    clearInterval(poll);
    runtime.stop();
    await runtime.jobs.settled();
    store.close();
  }
}

function chooseProcess(processes: Record<string, { isExecutable: boolean }>, wanted: string | undefined, file: string): string {
  const ids = Object.keys(processes);
  if (wanted !== undefined) {
    if (!processes[wanted]) throw new PipelaneError('PROCESS_NOT_FOUND', `${file} has no process "${wanted}"; it has ${ids.join(', ')}.`);
    return wanted;
  }
  const executable = ids.filter((id) => processes[id]!.isExecutable);
  if (executable.length === 1) return executable[0]!;
  throw new PipelaneError('BAD_REQUEST', `${file} has ${executable.length} executable processes (${executable.join(', ')}); choose one with --process ID.`);
}

/** The nearest enclosing git repository, else the model's own directory. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git')) || existsSync(resolve(dir, 'pipelane.yaml'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

