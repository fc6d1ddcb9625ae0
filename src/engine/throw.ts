import { isScopeType, type EventDefinition, type FlowNode } from '../model/process-model.js';
import { createNode, getNode, nodeElement, processOf, scopeOfNode, type StepContext } from './context.js';
import { startEventSubProcess } from './event-subprocess.js';
import { cancelChildren, cancelNode, leave, scopeMaybeDone } from './flow.js';
import { completeInstance } from './instance.js';
import { isIteration } from './loops.js';
import type { NodeInstance } from './state.js';
import { setVariables } from './variables.js';

type Catcher =
  | { kind: 'boundary'; host: NodeInstance; boundary: FlowNode }
  | { kind: 'eventSubProcess'; scope: NodeInstance | null; start: FlowNode };

type Caught = 'error' | 'escalation';

/**
 * Looks for the element that catches an error or escalation thrown at `from`:
 * the boundary events of each enclosing activity and the event sub-processes
 * of each enclosing scope, innermost first; an exact code before a catch-all.
 */
function findCatcher(ctx: StepContext, from: NodeInstance, kind: Caught, code: string | undefined): Catcher | undefined {
  let current: NodeInstance | undefined = from;
  let previous: NodeInstance | undefined;
  for (;;) {
    const cameFromEventSubProcess = previous !== undefined && nodeElement(ctx, previous).triggeredByEvent;
    if (!current) {
      if (cameFromEventSubProcess) return undefined;
      const start = matchingStart(ctx, null, kind, code);
      return start ? { kind: 'eventSubProcess', scope: null, start } : undefined;
    }
    const element = nodeElement(ctx, current);
    if (previous && !cameFromEventSubProcess && (isScopeType(element.type) || element.type === 'callActivity')) {
      const start = matchingStart(ctx, current, kind, code);
      if (start) return { kind: 'eventSubProcess', scope: current, start };
    }
    if (current.role !== 'join' && !isIteration(ctx, current)) {
      const boundaries = element.boundaryEvents.map((id) => processOf(ctx, current!.processId).nodes[id]!);
      const boundary = bestMatch(boundaries, kind, code);
      if (boundary) return { kind: 'boundary', host: current, boundary };
    }
    previous = current;
    current = getNode(ctx, current.parent);
  }
}

function matchingStart(ctx: StepContext, scope: NodeInstance | null, kind: Caught, code: string | undefined): FlowNode | undefined {
  const { processId, scopeId } = scopeOfNode(ctx, scope ?? undefined);
  const process = processOf(ctx, processId);
  const starts = (process.scopes[scopeId]?.eventSubProcesses ?? []).flatMap((esp) =>
    (process.scopes[esp]?.startEvents ?? []).map((id) => process.nodes[id]!),
  );
  return bestMatch(starts, kind, code);
}

function bestMatch(candidates: FlowNode[], kind: Caught, code: string | undefined): FlowNode | undefined {
  const defs = (n: FlowNode) => n.eventDefinitions.filter((d): d is Extract<EventDefinition, { kind: Caught }> => d.kind === kind);
  return candidates.find((n) => defs(n).some((d) => d.code !== undefined && d.code === code)) ?? candidates.find((n) => defs(n).some((d) => d.code === undefined));
}

/** A BPMN error: caught by the nearest matching catcher, or the instance fails with its code. */
export function throwError(ctx: StepContext, from: NodeInstance, code: string | undefined, message: string): void {
  const catcher = findCatcher(ctx, from, 'error', code);
  if (!catcher) {
    completeInstance(ctx, 'failed', { ...(code !== undefined ? { code } : {}), message });
    return;
  }
  const variables = { errorCode: code ?? null, errorMessage: message };
  catchWith(ctx, catcher, true, variables);
}

/** An escalation: caught by the nearest matching catcher (interrupting or not), else ignored. Returns whether `from` survived. */
export function throwEscalation(ctx: StepContext, from: NodeInstance, code: string | undefined): boolean {
  const catcher = findCatcher(ctx, from, 'escalation', code);
  if (catcher) catchWith(ctx, catcher, false, { escalationCode: code ?? null });
  return ctx.state.nodes[from.id] !== undefined;
}

function catchWith(ctx: StepContext, catcher: Catcher, alwaysInterrupts: boolean, variables: Record<string, unknown>): void {
  if (catcher.kind === 'eventSubProcess') {
    startEventSubProcess(ctx, catcher.scope, catcher.start, variables);
    return;
  }
  const { host, boundary } = catcher;
  const parent = host.parent;
  if (alwaysInterrupts || boundary.cancelActivity) cancelNode(ctx, host);
  setVariables(ctx, parent, variables);
  const node = createNode(ctx, { processId: host.processId, elementId: boundary.id, parent });
  leave(ctx, node);
}

/** A terminate end event ends everything in its scope: the whole instance at the top level. */
export function terminate(ctx: StepContext, end: NodeInstance): void {
  if (end.parent === null) {
    completeInstance(ctx, 'completed');
    return;
  }
  cancelChildren(ctx, end.parent);
  scopeMaybeDone(ctx, end.parent);
}

/** After a cancel end event compensated the transaction, its cancel boundary event takes over. */
export function takeCancelBoundary(ctx: StepContext, end: NodeInstance): void {
  let tx = getNode(ctx, end.parent);
  while (tx && nodeElement(ctx, tx).type !== 'transaction') tx = getNode(ctx, tx.parent);
  if (!tx) return;
  const element = nodeElement(ctx, tx);
  const process = processOf(ctx, tx.processId);
  const boundary = element.boundaryEvents.map((id) => process.nodes[id]!).find((b) => b.eventDefinitions.some((d) => d.kind === 'cancel'));
  const parent = tx.parent;
  cancelNode(ctx, tx);
  if (!boundary) {
    scopeMaybeDone(ctx, parent);
    return;
  }
  leave(ctx, createNode(ctx, { processId: tx.processId, elementId: boundary.id, parent }));
}
