/**
 * Where an instance stands on its diagram (src/http/ui/element-states.ts):
 * pure, so it is tested on compiled models and hand-made records. It sits
 * beside the UI tests because it only serves the UI.
 */
import { describe, expect, it } from 'vitest';
import type { InstanceState, InstanceStatus } from '../../../src/engine/index.js';
import { elementStates } from '../../../src/http/ui/element-states.js';
import { loadBpmn } from '../../../src/model/load.js';
import type { ProcessDefinition } from '../../../src/model/process-model.js';
import type { InstanceRecord, JobRecord, UserTaskRecord } from '../../../src/ports/store.js';
import { bpmnXml, script } from '../../support/bpmn.js';

async function processOf(xml: string, id: string): Promise<ProcessDefinition> {
  const loaded = await loadBpmn(xml, 'test.bpmn');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.model.processes[id]!;
}

function instance(processId: string, status: InstanceStatus, nodes: Record<string, string>, incidents: Record<string, string> = {}): InstanceRecord {
  const state: InstanceState = {
    id: 'i', processId, status, startedAt: 0, variables: {}, seq: 0, subscriptions: {}, compensations: {},
    nodes: Object.fromEntries(Object.entries(nodes).map(([id, elementId]) => [id, { id, elementId, processId, parent: null, role: 'element' as const }])),
    incidents: Object.fromEntries(Object.entries(incidents).map(([nodeId, elementId]) => [`inc-${nodeId}`, { id: `inc-${nodeId}`, nodeId, elementId, message: 'failed', retry: 'job' as const }])),
  };
  return { id: 'i', deploymentId: 'd', processId, status, state, createdAt: 0, updatedAt: 0 };
}

const job = (elementId: string, state: JobRecord['state']): JobRecord => ({ id: `job-${elementId}`, instanceId: 'i', elementId, state, attempt: 1 });
const task = (elementId: string, state: UserTaskRecord['state']): UserTaskRecord =>
  ({ id: `task-${elementId}`, instanceId: 'i', processId: 'p', elementId, state, extensions: {}, variables: {}, createdAt: 0 }) as UserTaskRecord;

// start → check (script) → gw ─ ok → publish (script) → done
//                             └ else → review (user task) → rejected
const branching = bpmnXml('p', [
  { id: 'start', tag: 'startEvent' },
  script('check', 'bash', 'true'),
  { id: 'gw', tag: 'exclusiveGateway' },
  script('publish', 'bash', 'true'),
  { id: 'review', tag: 'userTask' },
  { id: 'done', tag: 'endEvent' },
  { id: 'rejected', tag: 'endEvent' },
], [['start', 'check'], ['check', 'gw'], ['gw', 'publish', 'ok = true'], ['gw', 'review', 'ok = false'], ['publish', 'done'], ['review', 'rejected']]);

describe('elementStates', () => {
  it('marks the branch taken through a gateway, not the other one', async () => {
    const p = await processOf(branching, 'p');
    const s = elementStates(instance('p', 'completed', {}), p, [job('check', 'completed'), job('publish', 'completed')], []);
    expect(s.completed).toEqual(['check', 'done', 'gw', 'publish', 'start']);
    expect(s.flows).toEqual(['check_gw', 'gw_publish', 'publish_done', 'start_check']);
    expect(s.active).toEqual([]);
  });

  it('shows the element a token is in as active, and what led there as completed', async () => {
    const p = await processOf(branching, 'p');
    const s = elementStates(instance('p', 'running', { n1: 'review' }), p, [job('check', 'completed')], [task('review', 'open')]);
    expect(s.active).toEqual(['review']);
    expect(s.completed).toEqual(['check', 'gw', 'start']);
    expect(s.flows).toEqual(['check_gw', 'gw_review', 'start_check']);
  });

  it('puts an element held by an incident in incidents, not active, and nothing after it', async () => {
    const p = await processOf(branching, 'p');
    const s = elementStates(instance('p', 'running', { n1: 'check' }, { n1: 'check' }), p, [job('check', 'failed')], []);
    expect(s.active).toEqual([]);
    expect(s.incidents.map((i) => i.element)).toEqual(['check']);
    expect(s.completed).toEqual(['start']);
  });
});
