import { instantiatingElements } from '../engine/index.js';
import type { Command } from '../engine/commands.js';
import type { OutboxEntry } from '../ports/store.js';
import type { Runtime } from './runtime.js';

type Publish = Extract<Command, { type: 'publish' }>;

/**
 * Delivers a published message or signal. A message goes to one running
 * instance that waits for it, else starts an instance of an active process
 * that starts with it; a signal goes to every instance that waits for it and
 * starts every process that starts with it. The outbox entry is marked
 * applied in the transaction of the delivery, so a crash delivers it again
 * rather than never; a publish that reaches nobody is simply applied.
 */
export function route(runtime: Runtime, entry: OutboxEntry, command: Publish, done: () => void): void {
  const { store } = runtime;
  const at = runtime.now();
  const variables = command.variables;
  if (command.kind === 'message') {
    for (const target of store.instancesWaitingForMessage(command.name)) {
      if (target === entry.instanceId) continue;
      const event = { type: 'messageReceived' as const, at, name: command.name, variables, ...(command.correlationKey ? { correlationKey: command.correlationKey } : {}) };
      if (runtime.send(target, event, `instance:${entry.instanceId}`, done)) return;
    }
    const start = startsFor(runtime, 'message', command.name)[0];
    if (start) runtime.start({ processId: start.processId, startEventId: start.elementId, variables, actor: `instance:${entry.instanceId}` }, done);
    else store.transaction(done);
    return;
  }
  let marked = false;
  const markOnce = () => {
    if (!marked) done();
    marked = true;
  };
  for (const target of store.instancesWaitingForSignal(command.name)) {
    if (target !== entry.instanceId) runtime.send(target, { type: 'signal', at, name: command.name, variables }, `instance:${entry.instanceId}`, markOnce);
  }
  for (const start of startsFor(runtime, 'signal', command.name)) {
    runtime.start({ processId: start.processId, startEventId: start.elementId, variables, actor: `instance:${entry.instanceId}` }, markOnce);
  }
  if (!marked) store.transaction(done);
}

function startsFor(runtime: Runtime, kind: 'message' | 'signal', name: string): { processId: string; elementId: string }[] {
  return runtime.store
    .listDeployments({ activeOnly: true })
    .flatMap((d) => instantiatingElements(d.model, kind, name).filter((s) => runtime.store.activeDeploymentOf(s.processId)?.id === d.id));
}
