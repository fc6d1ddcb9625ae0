import type { JobOutcome, LogLine } from '../ports/container-runner.js';
import type { InstanceStatus } from '../engine/state.js';

/** What the runtime reports as it works: the CLI prints it, the HTTP layer streams it. */
export type RuntimeActivity =
  | { kind: 'instanceStarted'; instanceId: string; processId: string; deploymentId: string }
  | { kind: 'jobStarted'; instanceId: string; jobId: string; elementId: string; attempt: number }
  | { kind: 'jobFinished'; instanceId: string; jobId: string; elementId: string; attempt: number; outcome: JobOutcome; durationMs: number; willRetry: boolean }
  /** The outcome of jobFinished is committed, with the step it caused (or the retry it schedules). */
  | { kind: 'jobOutcomeStored'; instanceId: string; jobId: string }
  | { kind: 'log'; instanceId: string; jobId: string; elementId: string; line: LogLine }
  | { kind: 'userTaskOpened'; instanceId: string; taskId: string; elementId: string; name?: string }
  /** An open task was withdrawn (an interrupting boundary event, a cancel, an incident), not completed. */
  | { kind: 'userTaskClosed'; instanceId: string; taskId: string; elementId: string }
  /** A timer fell due and the engine was told (a boundary timer's element id: reminders hang on it). */
  | { kind: 'timerFired'; instanceId: string; timerId: string; elementId: string }
  | { kind: 'incident'; instanceId: string; incidentId: string; elementId: string; message: string }
  | { kind: 'instanceEnded'; instanceId: string; status: InstanceStatus; error?: { code?: string; message: string } }
  /** Housekeeping that failed without harm to any instance (a finished container left for the next start to remove). */
  | { kind: 'warning'; instanceId: string; message: string };

export type ActivityListener = (activity: RuntimeActivity) => void;
