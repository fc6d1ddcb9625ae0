import type { DeploymentModel, FlowNode, ProcessDefinition } from '../model/process-model.js';
import type { Command } from './commands.js';
import type { InstanceState, NodeInstance, NodeRole } from './state.js';

/** A token on its way into an element, waiting its turn on the agenda. */
export interface Arrival {
  processId: string;
  elementId: string;
  parent: string | null;
  flowId?: string;
  /** Variables the arrival brings (a message's payload on a start event). */
  variables?: Record<string, unknown>;
  /**
   * A node created already that starts when its turn comes (a loop
   * iteration, a compensation handler): queued like any token, so it counts
   * against the step's budget and never starts inside the code that made it.
   */
  nodeId?: string;
}

/**
 * The working set of one step: a private copy of the state that the step
 * mutates, the commands it emits and the tokens still to move.
 */
export interface StepContext {
  readonly deployment: DeploymentModel;
  readonly state: InstanceState;
  readonly commands: Command[];
  readonly now: number;
  readonly agenda: Arrival[];
  /**
   * Signals thrown in this step. They reach the subscriptions that exist when
   * they are thrown at once, and those that concurrent tokens open later in
   * the same step (ids above `afterSeq`) once the tokens have settled.
   */
  readonly signals: { name: string; variables: Record<string, unknown>; afterSeq: number }[];
  /** Guards against a model that loops without ever waiting. */
  budget: number;
}

export function createContext(deployment: DeploymentModel, state: InstanceState, now: number): StepContext {
  return { deployment, state, commands: [], now, agenda: [], signals: [], budget: 100_000 };
}

export function processOf(ctx: StepContext, processId: string): ProcessDefinition {
  const process = ctx.deployment.processes[processId];
  if (!process) throw new Error(`process ${processId} is not part of deployment ${ctx.deployment.file}`);
  return process;
}

export function elementOf(ctx: StepContext, processId: string, elementId: string): FlowNode {
  const node = processOf(ctx, processId).nodes[elementId];
  if (!node) throw new Error(`element ${elementId} is not part of process ${processId}`);
  return node;
}

export function nodeElement(ctx: StepContext, node: NodeInstance): FlowNode {
  return elementOf(ctx, node.processId, node.elementId);
}

export function nextId(ctx: StepContext, prefix: string): string {
  ctx.state.seq += 1;
  return `${prefix}${ctx.state.seq}`;
}

export function createNode(
  ctx: StepContext,
  fields: { processId: string; elementId: string; parent: string | null; role?: NodeRole; id?: string },
): NodeInstance {
  const node: NodeInstance = {
    id: fields.id ?? nextId(ctx, 'n'),
    elementId: fields.elementId,
    processId: fields.processId,
    parent: fields.parent,
    role: fields.role ?? 'element',
  };
  ctx.state.nodes[node.id] = node;
  return node;
}

export function childrenOf(ctx: StepContext, parent: string | null): NodeInstance[] {
  return Object.values(ctx.state.nodes).filter((n) => n.parent === parent);
}

export function getNode(ctx: StepContext, id: string | null | undefined): NodeInstance | undefined {
  return id == null ? undefined : ctx.state.nodes[id];
}

/** The process definition and scope id whose elements a scope node (or the root) contains. */
export function scopeOfNode(ctx: StepContext, scopeNode: NodeInstance | undefined): { processId: string; scopeId: string } {
  if (!scopeNode) return { processId: ctx.state.processId, scopeId: ctx.state.processId };
  const element = nodeElement(ctx, scopeNode);
  if (element.type === 'callActivity' && element.calledElement && ctx.deployment.processes[element.calledElement]) {
    return { processId: element.calledElement, scopeId: element.calledElement };
  }
  return { processId: scopeNode.processId, scopeId: scopeNode.elementId };
}
