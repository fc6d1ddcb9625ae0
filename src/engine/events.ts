/** What the engine is told. Every event carries the time it happened at (epoch ms). */
export type EngineEvent =
  | { type: 'jobCompleted'; at: number; jobId: string; variables?: Record<string, unknown> }
  /** A job that failed for good. With `errorCode` it is a BPMN error the model may catch. */
  | { type: 'jobFailed'; at: number; jobId: string; message: string; errorCode?: string }
  | { type: 'timerDue'; at: number; timerId: string }
  | { type: 'messageReceived'; at: number; name: string; correlationKey?: string; subscriptionId?: string; variables?: Record<string, unknown> }
  | { type: 'signal'; at: number; name: string; variables?: Record<string, unknown> }
  | { type: 'taskCompleted'; at: number; taskId: string; variables?: Record<string, unknown> }
  /** The runtime could not hand the task to anyone (an unknown assignee): an incident; a retry opens the task again. */
  | { type: 'taskFailed'; at: number; taskId: string; message: string }
  | { type: 'setVariables'; at: number; variables: Record<string, unknown> }
  | { type: 'retry'; at: number; incidentId: string }
  | { type: 'cancel'; at: number; reason?: string };

export interface StartOptions {
  instanceId: string;
  processId: string;
  /** The start event to start at; default: the process's none start event. */
  startEventId?: string;
  variables?: Record<string, unknown>;
  at: number;
}
