/**
 * The port through which the runtime runs one script task in a fresh
 * container. Shaped by the domain: a job goes in, an outcome comes out; how
 * the container is made is the adapter's business (adapters/docker).
 */
import type { ScriptLanguage } from '../model/script-language.js';
import type { TaskRuntime } from '../model/task-runtime.js';

export type { ScriptLanguage };

/**
 * The runtime settings of one job: the task's resolved TaskRuntime with the
 * secrets' values filled in by the caller, and without the retry policy (the
 * runtime loop applies it, not the runner).
 */
export interface JobRuntime extends Omit<TaskRuntime, 'secretNames' | 'retries'> {
  /** Environment variable name → value; passed to the script, masked as `***` in its log. */
  secrets: Readonly<Record<string, string>>;
}

export interface ScriptJob {
  /** Stable across a crash and a replay of the same command; names the container. */
  jobId: string;
  instanceId: string;
  processId: string;
  elementId: string;
  attempt: number;
  language: ScriptLanguage;
  /** `path` is relative to the repository root; the script runs as `/repo/<path>`, in `/workspace`. */
  script: { inline: string } | { path: string };
  variables: Record<string, unknown>;
  /** Host directory mounted at /workspace (read-write), shared by the instance's tasks. */
  workspaceDir: string;
  /** Host directory mounted at /repo (read-only): the repository at the instance's commit. */
  repoDir: string;
  runtime: JobRuntime;
}

export type FailureReason =
  | 'exit'
  | 'timeout'
  | 'oom'
  | 'cancelled'
  | 'image-missing'
  | 'engine-unreachable'
  /** The engine refused the container for another reason (an unknown network, a bad mount). */
  | 'engine-error'
  | 'output-invalid';

export type JobOutcome =
  | { kind: 'completed'; output: Record<string, unknown> }
  | { kind: 'bpmnError'; code: string; message: string }
  | {
      kind: 'failed';
      reason: FailureReason;
      message: string;
      exitCode?: number;
      stderrTail?: string[];
    };

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** When the container wrote the line, ISO 8601 UTC with nanoseconds (sorts as text). */
  at: string;
  text: string;
}

export interface ReattachOptions {
  /** Skip log lines written at or before this time (the last `at` the caller stored). */
  logsAfter?: string;
  /** Aborting it kills the re-attached container: outcome `cancelled`, as for run(). */
  signal?: AbortSignal;
}

export interface ContainerRunner {
  /**
   * Runs the job to its outcome. Never throws for what happens to the job (a
   * missing image or an unreachable engine are outcomes too). Running a job
   * id whose container already exists attaches to it instead of starting a
   * second one. An aborted signal kills the container: outcome `cancelled`.
   * The finished container is kept until release(), so that an outcome the
   * caller has not stored yet can still be collected after a crash.
   */
  run(job: ScriptJob, onLog: (line: LogLine) => void, signal?: AbortSignal): Promise<JobOutcome>;
  /**
   * Recovery after a daemon crash: the outcome of a job whose container may
   * still exist (running → follow and wait; exited → collect), or undefined
   * when there is no container for the job.
   */
  reattach(jobId: string, onLog: (line: LogLine) => void, options?: ReattachOptions): Promise<JobOutcome | undefined>;
  /** Kills and removes the job's container, if any; a run() waiting on it returns `cancelled`. */
  cancel(jobId: string): Promise<void>;
  /** Removes a finished job's container and its control files, once the caller has stored its outcome. */
  release(jobId: string): Promise<void>;
  /** Ids of the jobs whose containers still exist, running or finished: what a crash may have left behind. */
  containers(): Promise<string[]>;
}

/**
 * A failure that retrying can mend: the script failed, ran out of time or
 * memory, or the engine was away. Not a cancellation, a missing image or a
 * malformed output (retrying repeats them); a BPMN error is never retried.
 */
export function isRetryableFailure(outcome: JobOutcome): boolean {
  if (outcome.kind !== 'failed') return false;
  return outcome.reason !== 'cancelled' && outcome.reason !== 'image-missing' && outcome.reason !== 'output-invalid';
}
