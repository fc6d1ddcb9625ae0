import { getNode, type StepContext } from './context.js';

/** All variables visible from a node: the process's, overlaid by each enclosing scope's locals. */
export function visibleVariables(ctx: StepContext, nodeId: string | null): Record<string, unknown> {
  const chain: Record<string, unknown>[] = [];
  let node = getNode(ctx, nodeId);
  let isolated = false;
  while (node) {
    if (node.locals) chain.push(node.locals);
    if (node.isolated) {
      isolated = true;
      break;
    }
    node = getNode(ctx, node.parent);
  }
  const out: Record<string, unknown> = isolated ? {} : { ...ctx.state.variables };
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, chain[i]);
  return out;
}

/**
 * Sets variables as seen from a node: a name already local to an enclosing
 * scope is updated there; a new name goes to the process (or to the nearest
 * call activity, whose variables are its own).
 */
export function setVariables(ctx: StepContext, nodeId: string | null, variables: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(variables)) {
    let node = getNode(ctx, nodeId);
    let target: Record<string, unknown> = ctx.state.variables;
    while (node) {
      if (node.locals && (name in node.locals || node.isolated)) {
        target = node.locals;
        break;
      }
      node = getNode(ctx, node.parent);
    }
    target[name] = value;
  }
}
