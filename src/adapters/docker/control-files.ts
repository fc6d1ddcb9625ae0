/**
 * The files through which a script talks to Pipelane: $PIPELANE_INPUT (the
 * variables), $PIPELANE_OUTPUT (a JSON object to merge) and $PIPELANE_ERROR
 * (a BPMN error). They live in a directory of their own per job, inside the
 * workspace (`.pipelane/jobs/<job>/`), so parallel tasks of one instance
 * cannot clobber each other's, and a restarted daemon finds them again.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobOutcome, ScriptJob, ScriptLanguage } from '../../ports/container-runner.js';
import { containerName } from './labels.js';

export const WORKSPACE = '/workspace';
export const REPO = '/repo';

const EXTENSION: Record<ScriptLanguage, string> = { python: 'py', r: 'R', bash: 'sh' };

export interface ControlFiles {
  /** On the host. */
  hostDir: string;
  /** The same directory inside the container. */
  containerDir: string;
}

export function controlFilesOf(job: Pick<ScriptJob, 'jobId' | 'workspaceDir'>): ControlFiles {
  const relative = `.pipelane/jobs/${containerName(job.jobId)}`;
  return { hostDir: join(job.workspaceDir, relative), containerDir: `${WORKSPACE}/${relative}` };
}

/** The script file the container runs: the repository's file, or the inline body written beside the input. */
export function scriptPathInContainer(job: ScriptJob, files: ControlFiles): string {
  return 'path' in job.script ? `${REPO}/${job.script.path}` : `${files.containerDir}/script.${EXTENSION[job.language]}`;
}

export function controlEnv(files: ControlFiles): Record<string, string> {
  return {
    PIPELANE_INPUT: `${files.containerDir}/input.json`,
    PIPELANE_OUTPUT: `${files.containerDir}/output.json`,
    PIPELANE_ERROR: `${files.containerDir}/error.json`,
  };
}

/** Writes the input (and an inline script) afresh; a previous attempt's output must not leak in. */
export async function writeControlFiles(job: ScriptJob, files: ControlFiles): Promise<void> {
  await rm(files.hostDir, { recursive: true, force: true });
  await mkdir(files.hostDir, { recursive: true });
  // Images that run as a non-root user must still be able to write their output.
  await chmod(files.hostDir, 0o777);
  await writeFile(join(files.hostDir, 'input.json'), JSON.stringify(job.variables));
  if ('inline' in job.script) {
    await writeFile(join(files.hostDir, `script.${EXTENSION[job.language]}`), job.script.inline);
  }
}

export async function removeControlFiles(hostDir: string): Promise<void> {
  await rm(hostDir, { recursive: true, force: true });
}

type ScriptResult = Extract<JobOutcome, { kind: 'completed' | 'bpmnError' }> | Extract<JobOutcome, { kind: 'failed' }>;

/**
 * What the script reported. $PIPELANE_ERROR wins, whatever the exit code (a
 * script may exit non-zero after raising a BPMN error). Output is only read
 * after a zero exit; `undefined` means: classify by the exit code.
 */
export async function readScriptResult(hostDir: string, exitCode: number): Promise<ScriptResult | undefined> {
  const error = await readJson(join(hostDir, 'error.json'));
  if (error !== undefined) {
    if (!error.ok) return invalid('$PIPELANE_ERROR', error.reason);
    const value = error.value as { code?: unknown; message?: unknown } | null;
    if (typeof value !== 'object' || value === null || typeof value.code !== 'string' || value.code === '') {
      return invalid('$PIPELANE_ERROR', 'it must be an object with a non-empty string "code" (and a "message")');
    }
    return { kind: 'bpmnError', code: value.code, message: typeof value.message === 'string' ? value.message : '' };
  }
  if (exitCode !== 0) return undefined;
  const output = await readJson(join(hostDir, 'output.json'));
  if (output === undefined) return { kind: 'completed', output: {} };
  if (!output.ok) return invalid('$PIPELANE_OUTPUT', output.reason);
  if (typeof output.value !== 'object' || output.value === null || Array.isArray(output.value)) {
    return invalid('$PIPELANE_OUTPUT', 'it must be a JSON object of variables, such as {"rows": 42}');
  }
  return { kind: 'completed', output: output.value as Record<string, unknown> };
}

function invalid(file: string, reason: string): ScriptResult {
  return { kind: 'failed', reason: 'output-invalid', message: `the script wrote an invalid ${file}: ${reason}` };
}

async function readJson(path: string): Promise<{ ok: true; value: unknown } | { ok: false; reason: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  if (text.trim() === '') return undefined; // `: > "$PIPELANE_OUTPUT"` means nothing to report
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `it is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}
