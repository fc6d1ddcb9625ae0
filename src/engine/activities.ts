import type { FlowNode } from '../model/process-model.js';
import { recordCompensation } from './compensation.js';
import { adHocChildCompleted, continueAdHoc } from './ad-hoc.js';
import { getNode, nextId, nodeElement, processOf, scopeOfNode, type StepContext } from './context.js';
import { evaluateFeel } from './expression.js';
import { enqueue, leave, scopeMaybeDone } from './flow.js';
import { raiseIncident } from './incidents.js';
import { isIteration, iterationCompleted, startLoop } from './loops.js';
import type { NodeInstance } from './state.js';
import { subscribeBoundaryEvents, subscribeEventSubProcesses, subscribeMessage } from './subscriptions.js';
import { setVariables, visibleVariables } from './variables.js';

/** An activity's token arrived: run it (or its loop), with its boundary events armed. */
export function startActivity(ctx: StepContext, node: NodeInstance): void {
  const element = nodeElement(ctx, node);
  const iteration = isIteration(ctx, node);
  if (!iteration) subscribeBoundaryEvents(ctx, node, element);
  if (element.loop && !iteration) {
    startLoop(ctx, node, element);
    return;
  }
  if (!applyInputs(ctx, node, element)) return;
  switch (element.type) {
    case 'task':
    case 'manualTask':
      completeActivity(ctx, node);
      return;
    case 'sendTask':
      if (element.message) {
        publishMessage(ctx, node, element.message);
        completeActivity(ctx, node);
        return;
      }
      runJob(ctx, node, element);
      return;
    case 'scriptTask':
    case 'serviceTask':
    case 'businessRuleTask':
      runJob(ctx, node, element);
      return;
    case 'userTask':
      openUserTask(ctx, node, element);
      return;
    case 'receiveTask':
      subscribeMessage(ctx, node, element);
      return;
    case 'subProcess':
    case 'transaction':
    case 'adHocSubProcess':
      startScope(ctx, node);
      return;
    case 'callActivity':
      callActivity(ctx, node, element);
      return;
  }
}

export function runJob(ctx: StepContext, node: NodeInstance, element: FlowNode, attempt = 1): void {
  node.jobId ??= nextId(ctx, `${ctx.state.id}:job:`);
  node.attempt = attempt;
  const global = element.type === 'callActivity' ? ctx.deployment.globalTasks[element.calledElement ?? ''] : undefined;
  const script = global?.script ?? element.script;
  ctx.commands.push({
    type: 'runJob',
    jobId: node.jobId,
    attempt,
    elementId: element.id,
    elementType: global?.type ?? element.type,
    processId: node.processId,
    ...(script ? { script } : {}),
    extensions: element.extensions,
    variables: visibleVariables(ctx, node.id),
  });
}

function openUserTask(ctx: StepContext, node: NodeInstance, element: FlowNode): void {
  node.taskId = nextId(ctx, `${ctx.state.id}:task:`);
  ctx.commands.push({
    type: 'openUserTask',
    taskId: node.taskId,
    elementId: element.id,
    processId: node.processId,
    ...(element.name ? { name: element.name } : {}),
    extensions: element.extensions,
    variables: visibleVariables(ctx, node.id),
  });
}

export function publishMessage(ctx: StepContext, node: NodeInstance, name: string): void {
  ctx.commands.push({ type: 'publish', kind: 'message', name, variables: visibleVariables(ctx, node.id) });
}

function callActivity(ctx: StepContext, node: NodeInstance, element: FlowNode): void {
  const called = element.calledElement ?? '';
  if (ctx.deployment.globalTasks[called]) {
    runJob(ctx, node, element);
    return;
  }
  if (!ctx.deployment.processes[called]) {
    raiseIncident(ctx, node, `call activity ${element.id} calls "${called}", which is no process or global task of ${ctx.deployment.file}`, 'element');
    return;
  }
  if (depthOf(ctx, node) > MAX_NESTING) {
    raiseIncident(ctx, node, `call activity ${element.id} would nest more than ${MAX_NESTING} scopes deep: the called processes call each other without end`, 'element');
    return;
  }
  node.isolated = true;
  node.locals = { ...visibleVariables(ctx, node.parent), ...(node.locals ?? {}) };
  startScope(ctx, node);
}

/**
 * Only processes that call each other nest without a bound the model fixes;
 * cancelling or completing a scope walks its nesting, so it is capped where
 * that walk stays well inside the stack.
 */
const MAX_NESTING = 1_000;

function depthOf(ctx: StepContext, node: NodeInstance): number {
  let depth = 0;
  for (let n = getNode(ctx, node.parent); n; n = getNode(ctx, n.parent)) depth += 1;
  return depth;
}

/** Starts the inside of a sub-process, transaction, ad-hoc sub-process or called process. */
export function startScope(ctx: StepContext, node: NodeInstance | null): void {
  const { processId, scopeId } = scopeOfNode(ctx, node ?? undefined);
  const process = processOf(ctx, processId);
  const scope = process.scopes[scopeId];
  if (!scope) return;
  if (node && scope.dataNames.length > 0) {
    node.locals ??= {};
    for (const name of scope.dataNames) node.locals[name] ??= null;
  }
  if (subscribeEventSubProcesses(ctx, node, processId, scopeId)) return;
  const parent = node?.id ?? null;
  const adHoc = node ? nodeElement(ctx, node).adHoc : undefined;
  const noneStarts = scope.startEvents.filter((id) => process.nodes[id]!.eventDefinitions.length === 0);
  const entries = adHoc || noneStarts.length === 0 ? implicitStarts(process.nodes, scope.children) : noneStarts;
  const first = adHoc?.sequential ? entries.slice(0, 1) : entries;
  if (node && adHoc?.sequential) node.pending = entries.slice(1);
  for (const elementId of first) enqueue(ctx, { processId, elementId, parent });
  if (first.length === 0) scopeMaybeDone(ctx, parent);
}

/** Without a none start event, a scope starts at every element that no flow leads to. */
export function implicitStarts(nodes: Record<string, FlowNode>, children: string[]): string[] {
  return children.filter((id) => {
    const n = nodes[id]!;
    return n.incoming.length === 0 && n.type !== 'boundaryEvent' && !n.isForCompensation && !n.triggeredByEvent
      && n.type !== 'startEvent' && !(n.type === 'intermediateCatchEvent' && n.eventDefinitions.some((d) => d.kind === 'link'));
  });
}

/** The activity finished its work: outputs are mapped, and its token moves on. */
export function completeActivity(ctx: StepContext, node: NodeInstance, output?: Record<string, unknown>): void {
  const element = nodeElement(ctx, node);
  if (continueAdHoc(ctx, node, element)) return;
  if (!applyOutputs(ctx, node, element, output ?? {})) return;
  if (isIteration(ctx, node)) {
    iterationCompleted(ctx, node);
    return;
  }
  recordCompensation(ctx, node, element);
  if (adHocChildCompleted(ctx, node)) return;
  leave(ctx, node);
}

function applyInputs(ctx: StepContext, node: NodeInstance, element: FlowNode): boolean {
  if (element.inputs.length === 0) return true;
  const scope = visibleVariables(ctx, node.parent);
  const locals: Record<string, unknown> = {};
  for (const input of element.inputs) {
    const result = evaluateFeel(input.source, { ...scope, ...locals });
    if (!result.ok) {
      raiseIncident(ctx, node, `input mapping "${input.target}" of ${element.id} (${input.source}) cannot be evaluated: ${result.message}`, 'element');
      return false;
    }
    locals[input.target] = result.value;
  }
  node.locals = { ...(node.locals ?? {}), ...locals };
  return true;
}

function applyOutputs(ctx: StepContext, node: NodeInstance, element: FlowNode, output: Record<string, unknown>): boolean {
  const target = node.parent;
  if (element.outputs.length === 0) {
    if (node.isolated && node.locals) setVariables(ctx, target, node.locals);
    setVariables(ctx, element.type === 'callActivity' ? target : node.id, output);
    return true;
  }
  const context = { ...visibleVariables(ctx, node.id), ...output };
  const mapped: Record<string, unknown> = {};
  for (const out of element.outputs) {
    const result = evaluateFeel(out.source, context);
    if (!result.ok) {
      raiseIncident(ctx, node, `output mapping "${out.target}" of ${element.id} (${out.source}) cannot be evaluated: ${result.message}`, 'element');
      return false;
    }
    mapped[out.target] = result.value;
  }
  setVariables(ctx, target, mapped);
  return true;
}

