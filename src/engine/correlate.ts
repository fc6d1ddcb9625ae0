import type { DeploymentModel } from '../model/process-model.js';

/**
 * The elements a published message or signal starts a new instance at: start
 * events with that trigger, and receive tasks that instantiate their process.
 */
export function instantiatingElements(
  deployment: DeploymentModel,
  kind: 'message' | 'signal',
  name: string,
): { processId: string; elementId: string }[] {
  const out: { processId: string; elementId: string }[] = [];
  for (const process of Object.values(deployment.processes)) {
    for (const id of process.scopes[process.id]?.startEvents ?? []) {
      const start = process.nodes[id]!;
      const matches = start.eventDefinitions.some((d) =>
        kind === 'message' ? d.kind === 'message' && d.message === name : d.kind === 'signal' && d.signal === name,
      );
      if (matches) out.push({ processId: process.id, elementId: id });
    }
    if (kind !== 'message') continue;
    for (const node of Object.values(process.nodes)) {
      if (node.type === 'receiveTask' && node.instantiate && node.incoming.length === 0 && node.message === name && node.scope === process.id) {
        out.push({ processId: process.id, elementId: node.id });
      }
    }
  }
  return out;
}
