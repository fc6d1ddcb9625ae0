import type { EventDefinition, TimerKind } from '../model/process-model.js';

/** Plain JSON state of one process instance. The engine never mutates it in place. */
export type InstanceStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface InstanceState {
  id: string;
  processId: string;
  status: InstanceStatus;
  startedAt: number;
  endedAt?: number;
  /** Process-level variables; sub-process and multi-instance locals live on their nodes. */
  variables: Record<string, unknown>;
  /** Counter behind every id this instance hands out, so ids are deterministic. */
  seq: number;
  nodes: Record<string, NodeInstance>;
  subscriptions: Record<string, Subscription>;
  /** Completed activities that can still be compensated, per scope node ('root' for the process). */
  compensations: Record<string, CompensationRecord[]>;
  incidents: Record<string, Incident>;
  /** Set when the instance ended by an uncaught BPMN error. */
  error?: { code?: string; message: string };
}

export function isEnded(state: InstanceState): boolean {
  return state.status !== 'running';
}

export type NodeRole =
  /** An element executing once (a task, an event waiting, a sub-process scope). */
  | 'element'
  /** The wrapper of a loop or multi-instance activity; its children are the iterations. */
  | 'loopBody'
  /** A converging gateway collecting tokens. */
  | 'join';

export interface NodeInstance {
  id: string;
  elementId: string;
  /** The process definition the element belongs to (a call activity runs another one). */
  processId: string;
  /** The enclosing scope node, or null at the top level of the instance. */
  parent: string | null;
  role: NodeRole;
  /** Variables local to this node's scope (sub-processes, iterations, call activities). */
  locals?: Record<string, unknown>;
  /** A call activity's scope: variable look-up stops here. */
  isolated?: boolean;
  jobId?: string;
  attempt?: number;
  taskId?: string;
  /** A multi-instance iteration's index, a loop's counter. */
  loopCounter?: number;
  loop?: LoopState;
  /** Join: tokens arrived, per incoming sequence flow. */
  arrived?: Record<string, number>;
  /** Complex gateway: already fired in the current round. */
  fired?: boolean;
  /** Parallel-multiple catch events: definitions triggered so far. */
  triggered?: number[];
  /** A compensation throw waiting for its handlers, in the order they still have to run. */
  compensating?: CompensationRecord[];
  /** This node is a compensation handler run for the throw node named here. */
  compensates?: string;
  /** An activity waiting for more tokens to reach its startQuantity. */
  tokens?: number;
  /** A sequential ad-hoc sub-process: the activities still to run. */
  pending?: string[];
  /** Set while the node is held by an incident. */
  incident?: string;
  /** Held before it ran; says what a retry resumes. */
  held?: Held;
  /** An ad-hoc sub-process whose completion condition held: it starts nothing more and completes once its running activities have. */
  completing?: boolean;
}

export type Held =
  /** A token that had not yet entered its element (the step ran out of budget): a retry lets it arrive again. */
  | { kind: 'arrival'; flowId?: string }
  /** A node created but not yet started (a loop iteration, a compensation handler): a retry starts it. */
  | { kind: 'start' }
  /** The start event of an event sub-process that could not subscribe: a retry subscribes it again. */
  | { kind: 'subscribe' };

export interface LoopState {
  kind: 'standard' | 'multiInstance';
  /** Iterations started so far. */
  started: number;
  completed: number;
  /** Multi-instance: how many iterations in all. */
  total?: number;
  /** Multi-instance: the collection iterated over. */
  items?: unknown[];
  /** A behavior="One" event was thrown already. */
  oneThrown?: boolean;
  /** Multi-instance with an output collection: what each iteration gave, by index. */
  outputs?: unknown[];
}

export type Trigger =
  | { type: 'message'; name: string; correlationKey?: string }
  | { type: 'signal'; name: string }
  | { type: 'timer'; timerId: string; timer: TimerKind; expression: string; armedAt: number; dueAt: number; fired: number }
  | { type: 'conditional'; condition: string; last: boolean };

export interface Subscription {
  id: string;
  /** The node that waits (catch event, receive task, event-based gateway, boundary host, scope). */
  nodeId: string | null;
  /** The catching element: intermediate event, boundary event, start event of an event sub-process. */
  elementId: string;
  processId: string;
  /** Index of the event definition in the catching element. */
  definition: number;
  trigger: Trigger;
}

export interface CompensationRecord {
  elementId: string;
  processId: string;
  /** The completed node's id: its own nested records are kept under this key. */
  nodeId: string;
  /** The scope node the activity ran in (null at the top level). */
  parent: string | null;
}

export interface Incident {
  id: string;
  nodeId: string;
  elementId: string;
  message: string;
  /** What a retry does: run the job again, or evaluate the element again. */
  retry: 'job' | 'element';
  /** Other nodes held with this one (tokens stopped in the same step); a retry releases them too. */
  held?: string[];
}

export type { EventDefinition };
