import type { ElementType, ScriptSpec } from '../model/process-model.js';
import type { InstanceStatus } from './state.js';

/** What the engine asks the runtime to do. Applying a command twice must do no harm. */
export type Command =
  | RunJob
  | { type: 'cancelJob'; jobId: string }
  | OpenUserTask
  | { type: 'closeUserTask'; taskId: string }
  | { type: 'setTimer'; timerId: string; dueAt: number; elementId: string }
  | { type: 'cancelTimer'; timerId: string }
  | { type: 'publish'; kind: 'message' | 'signal'; name: string; correlationKey?: string; variables: Record<string, unknown> }
  | { type: 'incident'; incidentId: string; elementId: string; message: string }
  | { type: 'complete'; status: Exclude<InstanceStatus, 'running'>; variables: Record<string, unknown>; error?: { code?: string; message: string } };

export interface RunJob {
  type: 'runJob';
  jobId: string;
  attempt: number;
  elementId: string;
  elementType: ElementType;
  processId: string;
  script?: ScriptSpec;
  extensions: Record<string, string>;
  /** The variables the element sees (its inputs applied). */
  variables: Record<string, unknown>;
}

export interface OpenUserTask {
  type: 'openUserTask';
  taskId: string;
  elementId: string;
  processId: string;
  name?: string;
  extensions: Record<string, string>;
  variables: Record<string, unknown>;
}

export type CommandType = Command['type'];
