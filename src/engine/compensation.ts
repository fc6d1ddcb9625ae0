import { isScopeType, type FlowNode } from '../model/process-model.js';
import { createNode, elementOf, getNode, nodeElement, processOf, type StepContext } from './context.js';
import { startEventSubProcess } from './event-subprocess.js';
import { enqueue, leave, removeNode, scopeMaybeDone } from './flow.js';
import type { CompensationRecord, NodeInstance } from './state.js';
import { takeCancelBoundary } from './throw.js';

/** A completed activity that can be compensated later is remembered in its scope. */
export function recordCompensation(ctx: StepContext, node: NodeInstance, element: FlowNode): void {
  if (element.isForCompensation) return;
  const nested = ctx.state.compensations[node.id]?.length ?? 0;
  if (!element.compensationHandler && nested === 0 && !compensationStart(ctx, node.processId, element)) {
    delete ctx.state.compensations[node.id];
    return;
  }
  const key = node.parent ?? 'root';
  (ctx.state.compensations[key] ??= []).push({ elementId: element.id, processId: node.processId, nodeId: node.id, parent: node.parent });
}

/** The start event of a sub-process's compensation event sub-process, if it has one. */
function compensationStart(ctx: StepContext, processId: string, element: FlowNode): FlowNode | undefined {
  if (!isScopeType(element.type)) return undefined;
  const process = processOf(ctx, processId);
  for (const esp of process.scopes[element.id]?.eventSubProcesses ?? []) {
    for (const id of process.scopes[esp]?.startEvents ?? []) {
      const start = process.nodes[id]!;
      if (start.eventDefinitions.some((d) => d.kind === 'compensate')) return start;
    }
  }
  return undefined;
}

/** The scope whose completed activities a compensation thrown at `node` undoes (event sub-processes look through). */
export function compensationScope(ctx: StepContext, node: NodeInstance): string {
  let scope = getNode(ctx, node.parent);
  while (scope && nodeElement(ctx, scope).triggeredByEvent) scope = getNode(ctx, scope.parent);
  return scope?.id ?? 'root';
}

/**
 * Compensates the completed activities of a scope (or only `activity`), one
 * after the other in reverse order of completion. Returns true while handlers
 * run; `node` resumes through compensationFinished once they are done.
 */
export function startCompensation(ctx: StepContext, node: NodeInstance, scopeKey: string, activity?: string): boolean {
  const records = ctx.state.compensations[scopeKey] ?? [];
  const selected = records.filter((r) => activity === undefined || r.elementId === activity);
  ctx.state.compensations[scopeKey] = records.filter((r) => !selected.includes(r));
  node.compensating = selected.reverse();
  return runNext(ctx, node);
}

function runNext(ctx: StepContext, node: NodeInstance): boolean {
  while (node.compensating?.length) {
    const record = node.compensating.shift()!;
    if (compensate(ctx, record, node)) return true;
  }
  delete node.compensating;
  return false;
}

function compensate(ctx: StepContext, record: CompensationRecord, thrower: NodeInstance): boolean {
  const element = elementOf(ctx, record.processId, record.elementId);
  const parent = record.parent === null || ctx.state.nodes[record.parent] ? record.parent : thrower.parent;
  if (element.compensationHandler) {
    const handler = createNode(ctx, { processId: record.processId, elementId: element.compensationHandler, parent });
    handler.compensates = thrower.id;
    // Queued, not started here: handlers that complete at once would otherwise run the next one from inside this one.
    enqueue(ctx, { processId: record.processId, elementId: handler.elementId, parent, nodeId: handler.id });
    return true;
  }
  // A completed sub-process is brought back as a scope in which its own compensation runs.
  const start = compensationStart(ctx, record.processId, element);
  const nested = ctx.state.compensations[record.nodeId] ?? [];
  if (!start && nested.length === 0) return false;
  const scope = createNode(ctx, { id: record.nodeId, processId: record.processId, elementId: record.elementId, parent });
  scope.compensates = thrower.id;
  if (start) {
    startEventSubProcess(ctx, scope, start, undefined);
    return true;
  }
  delete ctx.state.compensations[record.nodeId];
  scope.compensating = nested.reverse();
  if (runNext(ctx, scope)) return true;
  delete ctx.state.nodes[scope.id];
  return false;
}

/** A handler run for `throwerId` finished: the next one runs, or the thrower resumes. */
export function handlerDone(ctx: StepContext, throwerId: string): void {
  const thrower = getNode(ctx, throwerId);
  if (!thrower || runNext(ctx, thrower)) return;
  compensationFinished(ctx, thrower);
}

export function compensationFinished(ctx: StepContext, node: NodeInstance): void {
  const element = nodeElement(ctx, node);
  if (node.compensates !== undefined && element.type !== 'intermediateThrowEvent' && element.type !== 'endEvent') {
    removeNode(ctx, node);
    return;
  }
  if (element.type === 'endEvent') {
    if (element.eventDefinitions.some((d) => d.kind === 'cancel')) {
      takeCancelBoundary(ctx, node);
      return;
    }
    removeNode(ctx, node);
    scopeMaybeDone(ctx, node.parent);
    return;
  }
  leave(ctx, node);
}
