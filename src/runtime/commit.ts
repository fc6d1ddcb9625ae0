import { step, type EngineEvent } from '../engine/index.js';
import { PipelaneError } from '../errors.js';
import type { DeploymentRecord, Store } from '../ports/store.js';

/**
 * One engine step, committed: the new state, the history entry and the
 * commands (the outbox) in one transaction, with whatever else must happen
 * exactly together with it. Returns false when the instance is not running
 * (the event is dropped). Applying the commands is the caller's business:
 * a Runtime does it at once; a client process leaves them to the daemon.
 */
export function commitStep(
  store: Store,
  instanceId: string,
  event: EngineEvent,
  actor: string,
  alsoInTransaction?: () => void,
  deploymentOf: (id: string) => DeploymentRecord | undefined = (id) => store.getDeployment(id),
): boolean {
  // Read, step and write in one transaction: another process's step on the same instance waits for it.
  return store.transaction(() => {
    const instance = store.getInstance(instanceId);
    if (!instance) throw new PipelaneError('INSTANCE_NOT_FOUND', `there is no instance ${instanceId}.`);
    if (instance.status !== 'running') return false;
    const deployment = deploymentOf(instance.deploymentId);
    if (!deployment) throw new PipelaneError('INTERNAL', `instance ${instanceId} refers to deployment ${instance.deploymentId}, which is gone.`);
    const result = step(deployment.model, instance.state, event);
    store.saveInstanceState(instanceId, result.state, event.at);
    const { type, at: _at, ...data } = event;
    store.appendHistory({ instanceId, at: event.at, type, actor, data });
    store.addCommands(instanceId, result.commands);
    alsoInTransaction?.();
    return true;
  });
}
