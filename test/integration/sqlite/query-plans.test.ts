/**
 * 100,000 parked instances must not make the store slow: every lookup the
 * runtime makes reads an index, never the whole table, and never sorts rows in
 * memory. Checked on SQLite's own plan for each statement the store runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/adapters/sqlite/connection.js';
import { openConnection, SqliteStore } from '../../../src/adapters/sqlite/index.js';
import type { Store } from '../../../src/ports/store.js';
import { deployment, instance, job, messageSubscription, runJob, state, userTask } from '../../store/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'pipelane-sqlite-plans-'));
let db: Connection;
let store: Store;
let traced: string[] = [];

beforeAll(() => {
  db = openConnection(root, { trace: (sql) => traced.push(sql) });
  store = new SqliteStore(db);
  store.transaction(() => {
    store.putDeployment(deployment('churn.bpmn@1'));
    store.createInstance(instance('i-1', { subscriptions: [messageSubscription('s1', 'payment')] }));
    store.addCommands('i-1', [runJob('job-1')]);
    store.putJob(job('job-1', 'i-1'));
    store.putTimer({ id: 't-1', instanceId: 'i-1', dueAt: 10, elementId: 'wait' });
    store.putUserTask(userTask('u-1', 'i-1'));
  });
  // No ANALYZE: the store never runs it, so the planner works without statistics.
});
afterAll(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

/** The plan of every statement `call` ran (BEGIN, SAVEPOINT and the like have none worth reading). */
function plansOf(call: () => unknown): string[] {
  traced = [];
  call();
  const statements = traced.filter((sql) => /^\s*(SELECT|UPDATE|DELETE|INSERT)/i.test(sql));
  traced = [];
  return statements.map((sql) => {
    const plan = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => row.detail).join(' | ');
    return `${sql.replace(/\s+/g, ' ').slice(0, 80)} → ${plan}`;
  });
}

const lookups: [string, () => unknown][] = [
  ['getDeployment', () => store.getDeployment('churn.bpmn@1')],
  ['getInstance', () => store.getInstance('i-1')],
  ['saveInstanceState', () => store.saveInstanceState('i-1', state('i-1', { subscriptions: [messageSubscription('s1', 'payment')] }), 5)],
  ['listInstances', () => store.listInstances({ limit: 10 })],
  ['listInstances by process', () => store.listInstances({ limit: 10, processId: 'churn' })],
  ['listInstances by status', () => store.listInstances({ limit: 10, status: 'running' })],
  ['listInstances by process and status', () => store.listInstances({ limit: 10, processId: 'churn', status: 'running' })],
  ['listInstances after a cursor', () => store.listInstances({ limit: 1, processId: 'churn', cursor: pageCursor() })],
  ['instancesWaitingForMessage', () => store.instancesWaitingForMessage('payment')],
  ['instancesWaitingForSignal', () => store.instancesWaitingForSignal('stop')],
  ['listHistory', () => store.listHistory('i-1')],
  ['pendingCommands', () => store.pendingCommands(100)],
  ['markCommandApplied', () => store.markCommandApplied(1)],
  ['getJob', () => store.getJob('job-1')],
  ['listJobs by instance', () => store.listJobs({ instanceId: 'i-1' })],
  ['listJobs by state', () => store.listJobs({ state: 'running' })],
  ['getTimer', () => store.getTimer('t-1')],
  ['dueTimers', () => store.dueTimers(100, 100)],
  ['nextTimer', () => store.nextTimer()],
  ['deleteTimer', () => store.deleteTimer('t-x')],
  ['getUserTask', () => store.getUserTask('u-1')],
  ['listUserTasks by state', () => store.listUserTasks({ state: 'open', limit: 50 })],
  ['listUserTasks by instance', () => store.listUserTasks({ instanceId: 'i-1' })],
  ['listUserTasks by state and instance', () => store.listUserTasks({ state: 'open', instanceId: 'i-1' })],
  ['claimOnce', () => store.claimOnce('webhook', 'd-1', 1)],
];

function pageCursor(): string {
  store.createInstance(instance('i-2', { createdAt: 3_000 }));
  return store.listInstances({ limit: 1, processId: 'churn' }).nextCursor as string;
}

describe('SqliteStore: query plans', () => {
  it.each(lookups)('%s reads an index and sorts nothing in memory', (_, call) => {
    const plans = plansOf(call);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(plan).not.toMatch(/SCAN \w+(?! USING)( |$)/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('activeDeploymentOf reads indexes and sorts only the versions of one process', () => {
    const plans = plansOf(() => store.activeDeploymentOf('churn'));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/SEARCH p USING PRIMARY KEY \(process_id=\?\)/);
    expect(plans[0]).toMatch(/SEARCH d USING INDEX sqlite_autoindex_deployments_1 \(id=\?\)/);
    expect(plans[0]).not.toMatch(/SCAN \w+(?! USING)( |$)/);
  });

  it('counts from an index, not from the rows', () => {
    for (const plan of [...plansOf(() => store.countInstances()), ...plansOf(() => store.countTimers())]) {
      expect(plan).toMatch(/COVERING INDEX/);
    }
  });
});
