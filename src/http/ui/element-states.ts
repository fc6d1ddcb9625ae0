/**
 * Where an instance stands on its diagram: the elements it is in now, those
 * it has completed, the flows it took, and the elements held by an incident.
 *
 * The engine keeps no trace of elements a token only passed through (a
 * gateway, an event), so those are inferred from the graph: an element that
 * does no work of its own is counted as passed when a token went on from it
 * (backwards from what was reached) or reached it (forwards from a completed
 * element, whose token leaves on all its outgoing flows unless it is a
 * deciding gateway). Work elements (tasks) count only by their records.
 */
import type { InstanceRecord, JobRecord, UserTaskRecord } from '../../ports/store.js';
import type { ElementType, ProcessDefinition } from '../../model/process-model.js';
import { incidentViews, type IncidentView } from '../views.js';

export interface ElementStates {
  instanceId: string;
  processId: string;
  deploymentId: string;
  state: InstanceRecord['status'];
  /** Elements a token is in now (incident-held ones are in `incidents`). */
  active: string[];
  completed: string[];
  /** Sequence flows a token took. */
  flows: string[];
  incidents: IncidentView[];
}

/** Elements whose completion is recorded (a job, a user task, a scope); the rest are passed through. */
const RECORDED: ReadonlySet<ElementType> = new Set<ElementType>([
  'scriptTask', 'serviceTask', 'businessRuleTask', 'sendTask', 'userTask', 'receiveTask', 'callActivity', 'subProcess', 'transaction', 'adHocSubProcess',
]);

/** Gateways that choose among their outgoing flows: a token does not take all of them. */
const CHOOSING: ReadonlySet<ElementType> = new Set<ElementType>(['exclusiveGateway', 'inclusiveGateway', 'complexGateway', 'eventBasedGateway']);

export function elementStates(instance: InstanceRecord, process: ProcessDefinition | undefined, jobs: JobRecord[], tasks: UserTaskRecord[]): ElementStates {
  const incidents = incidentViews(instance);
  const held = new Set(incidents.map((i) => i.element));
  const active = new Set<string>();
  for (const node of Object.values(instance.state.nodes)) {
    if (node.processId === instance.processId && !held.has(node.elementId)) active.add(node.elementId);
  }
  const completed = new Set<string>();
  for (const job of jobs) if (job.state === 'completed') completed.add(job.elementId);
  for (const task of tasks) if (task.state === 'completed') completed.add(task.elementId);
  // The instance started, so it passed its start event, when the process has just one.
  const starts = process?.scopes[process.id]?.startEvents ?? [];
  if (starts.length === 1) completed.add(starts[0]!);
  // A job done in an element still active (a loop's iteration) does not mean the token went on.
  for (const id of [...active, ...held]) completed.delete(id);
  if (process) infer(process, active, held, completed);
  const reached = (id: string) => completed.has(id) || active.has(id) || held.has(id);
  const flows = process ? Object.values(process.flows).filter((f) => completed.has(f.source) && reached(f.target)).map((f) => f.id) : [];
  return {
    instanceId: instance.id, processId: instance.processId, deploymentId: instance.deploymentId, state: instance.status,
    active: [...active].sort(), completed: [...completed].sort(), flows: flows.sort(), incidents,
  };
}

function infer(process: ProcessDefinition, active: Set<string>, held: Set<string>, completed: Set<string>): void {
  const { nodes, flows } = process;
  const reached = (id: string) => completed.has(id) || active.has(id) || held.has(id);
  const passable = (id: string) => nodes[id] !== undefined && !RECORDED.has(nodes[id]!.type) && !reached(id);
  let changed = true;
  while (changed) {
    changed = false;
    // A scope with something reached inside ran (or runs: then it is active).
    for (const node of Object.values(nodes)) {
      if (node.scope !== process.id && reached(node.id) && nodes[node.scope] && !reached(node.scope)) {
        completed.add(node.scope);
        changed = true;
      }
    }
    for (const flow of Object.values(flows)) {
      // Backwards: a token went on from the source.
      if (reached(flow.target) && passable(flow.source)) {
        completed.add(flow.source);
        changed = true;
      }
      // Forwards: the source completed and sends a token down every flow.
      const source = nodes[flow.source];
      if (source && completed.has(source.id) && !CHOOSING.has(source.type) && passable(flow.target) && !hasCondition(process, source.id)) {
        completed.add(flow.target);
        changed = true;
      }
    }
  }
}

/** A conditional flow out of an activity is taken only when its condition holds: do not guess. */
function hasCondition(process: ProcessDefinition, elementId: string): boolean {
  return process.nodes[elementId]!.outgoing.some((id) => process.flows[id]?.condition !== undefined);
}

