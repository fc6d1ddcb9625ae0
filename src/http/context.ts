import type { Runtime } from '../runtime/runtime.js';
import type { InstanceControl } from './instance-actions.js';
import type { Metrics } from './metrics.js';

/** What the route handlers work with. */
export interface Api {
  runtime: Runtime;
  metrics: Metrics;
  /** False once the daemon is shutting down: /healthz says so. */
  accepting(): boolean;
  /** Parts other modules add to /healthz (GitOps: the repository's sync state). */
  health?: () => Record<string, unknown>;
  /** Prometheus lines other modules add to /metrics. */
  extraMetrics?: () => string;
}

/** Instance actions through the runtime: each step is committed and its commands applied at once. */
export function controlOf(runtime: Runtime): InstanceControl {
  return { store: runtime.store, send: (id, event, actor) => runtime.send(id, event, actor), now: () => runtime.now() };
}
