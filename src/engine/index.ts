export { startInstance, step, type StepResult } from './step.js';
export type { EngineEvent, StartOptions } from './events.js';
export type { Command, RunJob, OpenUserTask } from './commands.js';
export type { InstanceState, InstanceStatus, Incident, Subscription } from './state.js';
export { isEnded } from './state.js';
export { evaluateConditionalStarts, instantiatingElements, takesMessage, type ConditionalStart, type ConditionalStartEvaluation } from './correlate.js';
