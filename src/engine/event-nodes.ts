import type { FlowNode } from '../model/process-model.js';
import { publishMessage } from './activities.js';
import { compensationScope, startCompensation } from './compensation.js';
import { processOf, type StepContext } from './context.js';
import { enqueue, leave, removeNode, scopeMaybeDone } from './flow.js';
import type { NodeInstance } from './state.js';
import { subscribeCatch, throwSignal } from './subscriptions.js';
import { takeCancelBoundary, terminate, throwError, throwEscalation } from './throw.js';
import { setVariables, visibleVariables } from './variables.js';

/** Start, end, intermediate and boundary events once a token reaches them. */
export function executeEvent(ctx: StepContext, node: NodeInstance, element: FlowNode, variables?: Record<string, unknown>): void {
  if (variables) setVariables(ctx, node.parent, variables);
  switch (element.type) {
    case 'intermediateCatchEvent':
      if (element.eventDefinitions.some((d) => d.kind === 'link') || element.eventDefinitions.length === 0) leave(ctx, node);
      else subscribeCatch(ctx, node, element);
      return;
    case 'intermediateThrowEvent':
    case 'endEvent':
      throwEvents(ctx, node, element);
      return;
    default:
      leave(ctx, node);
  }
}

/** A throw or end event throws each of its definitions, then moves on (or ends its token). */
function throwEvents(ctx: StepContext, node: NodeInstance, element: FlowNode): void {
  for (const def of element.eventDefinitions) {
    switch (def.kind) {
      case 'message':
        publishMessage(ctx, node, def.message);
        break;
      case 'signal': {
        ctx.commands.push({ type: 'publish', kind: 'signal', name: def.signal, variables: visibleVariables(ctx, node.id) });
        throwSignal(ctx, def.signal, {});
        if (!ctx.state.nodes[node.id]) return;
        break;
      }
      case 'escalation':
        if (!throwEscalation(ctx, node, def.code)) return;
        break;
      case 'error':
        throwError(ctx, node, def.code, `error end event ${element.id} threw ${def.code ?? 'an error without a code'}`);
        return;
      case 'terminate':
        terminate(ctx, node);
        return;
      case 'cancel':
        if (startCompensation(ctx, node, compensationScope(ctx, node))) return;
        takeCancelBoundary(ctx, node);
        return;
      case 'compensate':
        if (startCompensation(ctx, node, compensationScope(ctx, node), def.activity)) return;
        break;
      case 'link':
        jumpToLink(ctx, node, def.link);
        return;
    }
  }
  if (element.type === 'endEvent') {
    removeNode(ctx, node);
    scopeMaybeDone(ctx, node.parent);
  } else leave(ctx, node);
}

/** A link throw event continues at the link catch event of the same name in its scope. */
function jumpToLink(ctx: StepContext, node: NodeInstance, link: string): void {
  const process = processOf(ctx, node.processId);
  const scope = process.nodes[node.elementId]!.scope;
  const target = process.scopes[scope]?.children.find((id) => {
    const n = process.nodes[id]!;
    return n.type === 'intermediateCatchEvent' && n.eventDefinitions.some((d) => d.kind === 'link' && d.link === link);
  });
  removeNode(ctx, node);
  if (target) enqueue(ctx, { processId: node.processId, elementId: target, parent: node.parent });
  else scopeMaybeDone(ctx, node.parent);
}
