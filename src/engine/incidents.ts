import { nextId, type StepContext } from './context.js';
import type { Incident, NodeInstance } from './state.js';

/**
 * Something the model cannot get past without a person: the node stays where
 * it is, and a retry evaluates it (or runs its job) again.
 */
export function raiseIncident(ctx: StepContext, node: NodeInstance, message: string, retry: Incident['retry']): void {
  const incident: Incident = { id: nextId(ctx, `${ctx.state.id}:incident:`), nodeId: node.id, elementId: node.elementId, message, retry };
  ctx.state.incidents[incident.id] = incident;
  node.incident = incident.id;
  ctx.commands.push({ type: 'incident', incidentId: incident.id, elementId: node.elementId, message });
}
