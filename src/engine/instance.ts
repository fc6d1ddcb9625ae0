import type { StepContext } from './context.js';
import type { InstanceStatus } from './state.js';
import { removeSubscription } from './subscriptions.js';

/** Ends the instance: whatever still waits is dropped, and the runtime hears the outcome. */
export function completeInstance(
  ctx: StepContext,
  status: Exclude<InstanceStatus, 'running'>,
  error?: { code?: string; message: string },
): void {
  const state = ctx.state;
  if (state.status !== 'running') return;
  for (const node of Object.values(state.nodes)) {
    if (node.jobId && !node.incident) ctx.commands.push({ type: 'cancelJob', jobId: node.jobId });
    if (node.taskId) ctx.commands.push({ type: 'closeUserTask', taskId: node.taskId });
  }
  for (const sub of Object.values(state.subscriptions)) removeSubscription(ctx, sub);
  state.nodes = {};
  state.incidents = {};
  state.compensations = {};
  state.status = status;
  state.endedAt = ctx.now;
  if (error) state.error = error;
  ctx.agenda.length = 0;
  ctx.commands.push({ type: 'complete', status, variables: state.variables, ...(error ? { error } : {}) });
}
