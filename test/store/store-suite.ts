/**
 * The conformance suite of the Store port: every adapter (SQLite now,
 * PostgreSQL later) runs it. `open` must give a fresh, empty store each call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/engine/commands.js';
import { PipelaneError } from '../../src/errors.js';
import type { InstanceStatus } from '../../src/engine/state.js';
import type { Store } from '../../src/ports/store.js';
import { deployment, instance, job, messageSubscription, runJob, sidecar, signalSubscription, state, timerSubscription, userTask } from './fixtures.js';

/** Asserts that `fn` throws a PipelaneError with that code, and returns it. */
export function expectPipelaneError(fn: () => unknown, code: PipelaneError['code']): PipelaneError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PipelaneError);
    expect((error as PipelaneError).code).toBe(code);
    return error as PipelaneError;
  }
  throw new Error(`expected a PipelaneError ${code}, but nothing was thrown`);
}

export function storeSuite(name: string, open: () => Store): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(() => {
      store = open();
    });
    afterEach(() => {
      store.close();
    });

    /** The deployment every instance fixture names. */
    const deployed = () => store.putDeployment(deployment('churn.bpmn@1'));

    describe('deployments', () => {
      it('round-trips a deployment with and without its optional fields', () => {
        const full = deployment('churn.bpmn@1', { commit: 'a1b2c3', sidecar: sidecar() });
        const bare = deployment('other.bpmn@1', { file: 'other/other.bpmn', processIds: ['other', 'helper'] });
        store.putDeployment(full);
        store.putDeployment(bare);
        expect(store.getDeployment('churn.bpmn@1')).toStrictEqual(full);
        expect(store.getDeployment('other.bpmn@1')).toStrictEqual(bare);
        expect(store.getDeployment('missing')).toBeUndefined();
      });

      it('putting the same id again replaces the record', () => {
        store.putDeployment(deployment('churn.bpmn@1'));
        const changed = deployment('churn.bpmn@1', { processIds: ['renamed'], repoDir: '/elsewhere' });
        store.putDeployment(changed);
        expect(store.getDeployment('churn.bpmn@1')).toStrictEqual(changed);
        expect(store.listDeployments()).toHaveLength(1);
        expect(store.activeDeploymentOf('churn')).toBeUndefined();
        expect(store.activeDeploymentOf('renamed')?.id).toBe('churn.bpmn@1');
      });

      it('lists newest first, optionally only active ones, and finds the active version of a process', () => {
        store.putDeployment(deployment('churn.bpmn@1', { deployedAt: 1_000 }));
        store.putDeployment(deployment('churn.bpmn@2', { deployedAt: 2_000 }));
        store.putDeployment(deployment('other.bpmn@1', { deployedAt: 1_500, processIds: ['other'] }));
        expect(store.listDeployments().map((d) => d.id)).toEqual(['churn.bpmn@2', 'other.bpmn@1', 'churn.bpmn@1']);
        expect(store.activeDeploymentOf('churn')?.id).toBe('churn.bpmn@2');

        store.setDeploymentActive('churn.bpmn@2', false);
        expect(store.getDeployment('churn.bpmn@2')?.active).toBe(false);
        expect(store.listDeployments({ activeOnly: true }).map((d) => d.id)).toEqual(['other.bpmn@1', 'churn.bpmn@1']);
        expect(store.activeDeploymentOf('churn')?.id).toBe('churn.bpmn@1');

        store.setDeploymentActive('churn.bpmn@1', false);
        expect(store.activeDeploymentOf('churn')).toBeUndefined();
        expect(store.activeDeploymentOf('nobody')).toBeUndefined();
      });

      it('refuses to activate a deployment it does not hold', () => {
        expectPipelaneError(() => store.setDeploymentActive('missing', true), 'MODEL_NOT_FOUND');
      });
    });

    describe('instances', () => {
      beforeEach(deployed);

      it('round-trips an instance and saves new states', () => {
        const record = instance('i-1');
        store.createInstance(record);
        expect(store.getInstance('i-1')).toStrictEqual(record);

        const ended = { ...state('i-1', { status: 'completed', variables: { result: 'ok' } }), endedAt: 9_000 };
        store.saveInstanceState('i-1', ended, 9_000);
        expect(store.getInstance('i-1')).toStrictEqual({ ...record, status: 'completed', state: ended, updatedAt: 9_000 });
        expect(store.getInstance('missing')).toBeUndefined();
      });

      it('refuses a second instance with the same id, a state for an unknown instance, an unknown deployment', () => {
        store.createInstance(instance('i-1'));
        expectPipelaneError(() => store.createInstance(instance('i-1')), 'CONFLICT');
        expectPipelaneError(() => store.saveInstanceState('missing', state('missing'), 1), 'INSTANCE_NOT_FOUND');
        expectPipelaneError(() => store.createInstance(instance('i-2', { deploymentId: 'missing' })), 'MODEL_NOT_FOUND');
        expect(store.getInstance('i-2')).toBeUndefined();
      });

      it('filters by process and status', () => {
        store.putDeployment(deployment('other.bpmn@1', { processIds: ['other'] }));
        store.createInstance(instance('a', { createdAt: 1 }));
        store.createInstance(instance('b', { createdAt: 2, status: 'completed' }));
        store.createInstance(instance('c', { createdAt: 3, processId: 'other', deploymentId: 'other.bpmn@1' }));
        const ids = (filter: Parameters<Store['listInstances']>[0]) => store.listInstances(filter).items.map((i) => i.id);
        expect(ids({ limit: 10 })).toEqual(['c', 'b', 'a']);
        expect(ids({ limit: 10, processId: 'churn' })).toEqual(['b', 'a']);
        expect(ids({ limit: 10, status: 'running' })).toEqual(['c', 'a']);
        expect(ids({ limit: 10, processId: 'churn', status: 'completed' })).toEqual(['b']);
        expect(ids({ limit: 10, processId: 'nobody' })).toEqual([]);
        expect(store.listInstances({ limit: 3 }).nextCursor).toBeUndefined();
      });

      it('pages 250 instances newest first, each exactly once, unshaken by inserts while paging', () => {
        // Several instances share a created_at, so the order must break ties by id.
        const all = Array.from({ length: 250 }, (_, i) => instance(`i-${String(i).padStart(3, '0')}`, { createdAt: 10_000 + Math.floor(i / 3) }));
        store.transaction(() => all.forEach((i) => store.createInstance(i)));
        const expected = [...all].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((i) => i.id);

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = store.listInstances({ limit: 40, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor;
          pages += 1;
          store.createInstance(instance(`new-${pages}`, { createdAt: 99_999 + pages }));
        } while (cursor);
        expect(pages).toBe(7);
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(250);
      });

      it('pages with a filter and refuses a cursor it did not give out', () => {
        for (let i = 0; i < 5; i++) store.createInstance(instance(`r-${i}`, { createdAt: i }));
        store.createInstance(instance('done', { createdAt: 2, status: 'failed' }));
        const first = store.listInstances({ limit: 2, status: 'running' });
        expect(first.items.map((i) => i.id)).toEqual(['r-4', 'r-3']);
        const second = store.listInstances({ limit: 2, status: 'running', cursor: first.nextCursor as string });
        expect(second.items.map((i) => i.id)).toEqual(['r-2', 'r-1']);
        expectPipelaneError(() => store.listInstances({ limit: 2, cursor: 'not-a-cursor' }), 'BAD_REQUEST');
        expectPipelaneError(() => store.listInstances({ limit: 0 }), 'BAD_REQUEST');
      });

      it('counts instances by process and status', () => {
        store.createInstance(instance('a'));
        store.createInstance(instance('b'));
        store.createInstance(instance('c', { status: 'failed' }));
        store.createInstance(instance('d', { processId: 'helper' }));
        store.saveInstanceState('b', state('b', { status: 'completed' }), 3_000);
        expect(store.countInstances()).toEqual(
          expect.arrayContaining([
            { processId: 'churn', status: 'running', count: 1 },
            { processId: 'churn', status: 'completed', count: 1 },
            { processId: 'churn', status: 'failed', count: 1 },
            { processId: 'helper', status: 'running', count: 1 },
          ]),
        );
        expect(store.countInstances()).toHaveLength(4);
      });

      it('counts the open incidents of running instances as their states are written', () => {
        const incident = (id: string) => ({ id, nodeId: 'n1', elementId: 'train', message: 'exit 1', retry: 'job' as const });
        const withIncidents = (id: string, ids: string[], status: InstanceStatus = 'running') =>
          ({ ...state(id, { status }), incidents: Object.fromEntries(ids.map((i) => [i, incident(i)])) });
        store.createInstance({ ...instance('a'), state: withIncidents('a', ['x1', 'x2']) });
        store.createInstance(instance('b'));
        expect(store.countOpenIncidents()).toBe(2);
        store.saveInstanceState('b', withIncidents('b', ['y1']), 3_000);
        expect(store.countOpenIncidents()).toBe(3);
        store.saveInstanceState('a', withIncidents('a', ['x2']), 3_001);
        expect(store.countOpenIncidents()).toBe(2);
        // An instance that ends (cancelled at its incident) has none open.
        store.saveInstanceState('b', withIncidents('b', ['y1'], 'cancelled'), 3_002);
        expect(store.countOpenIncidents()).toBe(1);
      });
    });

    describe('message and signal subscriptions', () => {
      beforeEach(deployed);

      it('follow the state of each instance as it is written', () => {
        store.createInstance(instance('a', { subscriptions: [messageSubscription('s1', 'payment', 'order-1'), timerSubscription('s2')] }));
        store.createInstance(instance('b'));
        expect(store.instancesWaitingForMessage('payment')).toEqual(['a']);
        expect(store.instancesWaitingForMessage('refund')).toEqual([]);
        expect(store.instancesWaitingForSignal('payment')).toEqual([]);

        store.saveInstanceState('b', state('b', { subscriptions: [messageSubscription('s1', 'payment'), signalSubscription('s3', 'stop')] }), 3_000);
        expect(store.instancesWaitingForMessage('payment')).toEqual(['a', 'b']);
        expect(store.instancesWaitingForSignal('stop')).toEqual(['b']);

        // The state no longer has the subscription: it is gone from the index.
        store.saveInstanceState('a', state('a', { subscriptions: [messageSubscription('s4', 'refund')] }), 4_000);
        expect(store.instancesWaitingForMessage('payment')).toEqual(['b']);
        expect(store.instancesWaitingForMessage('refund')).toEqual(['a']);

        // Two subscriptions to the same message name in one instance: the id once.
        store.saveInstanceState('a', state('a', { subscriptions: [messageSubscription('x', 'refund'), messageSubscription('y', 'refund')] }), 4_500);
        expect(store.instancesWaitingForMessage('refund')).toEqual(['a']);

        // An instance that ended waits for nothing, even if its last state still lists subscriptions.
        store.saveInstanceState('b', state('b', { status: 'cancelled', subscriptions: [messageSubscription('s1', 'payment'), signalSubscription('s3', 'stop')] }), 5_000);
        expect(store.instancesWaitingForMessage('payment')).toEqual([]);
        expect(store.instancesWaitingForSignal('stop')).toEqual([]);
      });

      it('ignore instances created already ended', () => {
        store.createInstance(instance('c', { status: 'completed', subscriptions: [messageSubscription('s1', 'payment')] }));
        expect(store.instancesWaitingForMessage('payment')).toEqual([]);
      });
    });

    describe('history', () => {
      beforeEach(() => {
        deployed();
        store.createInstance(instance('i-1'));
        store.createInstance(instance('i-2'));
      });

      it('lists the entries of one instance in the order written', () => {
        store.appendHistory({ instanceId: 'i-1', at: 3, type: 'start', actor: 'api:ci', data: { variables: { a: 1 } } });
        store.appendHistory({ instanceId: 'i-2', at: 1, type: 'start', actor: 'scheduler', data: {} });
        store.appendHistory({ instanceId: 'i-1', at: 3, type: 'jobCompleted', actor: 'system', data: { jobId: 'job-1', exitCode: 0 } });
        store.appendHistory({ instanceId: 'i-1', at: 2, type: 'taskCompleted', actor: 'email:ada', data: { approved: true } });
        expect(store.listHistory('i-1')).toStrictEqual([
          { instanceId: 'i-1', at: 3, type: 'start', actor: 'api:ci', data: { variables: { a: 1 } } },
          { instanceId: 'i-1', at: 3, type: 'jobCompleted', actor: 'system', data: { jobId: 'job-1', exitCode: 0 } },
          { instanceId: 'i-1', at: 2, type: 'taskCompleted', actor: 'email:ada', data: { approved: true } },
        ]);
        expect(store.listHistory('missing')).toEqual([]);
      });
    });

    describe('outbox', () => {
      beforeEach(() => {
        deployed();
        store.createInstance(instance('i-1'));
        store.createInstance(instance('i-2'));
      });

      const commands: Command[] = [
        runJob('job-1'),
        { type: 'setTimer', timerId: 't-1', dueAt: 60_000, elementId: 'wait' },
        { type: 'publish', kind: 'message', name: 'done', correlationKey: 'k', variables: { x: [1, 2] } },
      ];

      it('keeps commands pending, in order, until marked applied', () => {
        store.addCommands('i-1', commands);
        store.addCommands('i-2', [{ type: 'cancelTimer', timerId: 't-9' }]);
        store.addCommands('i-2', []);
        const pending = store.pendingCommands();
        expect(pending.map((e) => [e.instanceId, e.command])).toStrictEqual([
          ['i-1', commands[0]],
          ['i-1', commands[1]],
          ['i-1', commands[2]],
          ['i-2', { type: 'cancelTimer', timerId: 't-9' }],
        ]);
        expect(new Set(pending.map((e) => e.id)).size).toBe(4);
        expect(store.pendingCommands(2)).toStrictEqual(pending.slice(0, 2));

        store.markCommandApplied(pending[1]!.id);
        store.markCommandApplied(pending[1]!.id);
        store.markCommandApplied(987_654);
        expect(store.pendingCommands().map((e) => e.id)).toEqual([pending[0]!.id, pending[2]!.id, pending[3]!.id]);
        for (const entry of pending) store.markCommandApplied(entry.id);
        expect(store.pendingCommands()).toEqual([]);
      });

      it('gives later commands later ids', () => {
        store.addCommands('i-1', [commands[0]!]);
        const [first] = store.pendingCommands();
        store.markCommandApplied(first!.id);
        store.addCommands('i-1', [commands[1]!]);
        const [second] = store.pendingCommands();
        expect(second!.id).toBeGreaterThan(first!.id);
      });
    });

    describe('jobs', () => {
      beforeEach(() => {
        deployed();
        store.createInstance(instance('i-1'));
        store.createInstance(instance('i-2'));
      });

      it('round-trips a job, updates it by id and filters by instance and state', () => {
        const queued = job('job-1', 'i-1', { command: runJob('job-1') });
        store.putJob(queued);
        expect(store.getJob('job-1')).toStrictEqual(queued);

        const failed = { ...queued, state: 'failed' as const, attempt: 2, startedAt: 10, endedAt: 20, message: 'exit code 1', lastLogAt: '2026-01-01T00:00:00.000000001Z' };
        store.putJob(failed);
        expect(store.getJob('job-1')).toStrictEqual(failed);
        store.putJob(job('job-2', 'i-1', { state: 'running', startedAt: 30 }));
        store.putJob(job('job-3', 'i-2'));
        expect(store.getJob('missing')).toBeUndefined();

        const ids = (filter: Parameters<Store['listJobs']>[0]) => store.listJobs(filter).map((j) => j.id);
        expect(ids({})).toEqual(['job-1', 'job-2', 'job-3']);
        expect(ids({ instanceId: 'i-1' })).toEqual(['job-1', 'job-2']);
        expect(ids({ state: 'queued' })).toEqual(['job-3']);
        expect(ids({ instanceId: 'i-1', state: 'running' })).toEqual(['job-2']);
        expect(ids({ instanceId: 'i-2', state: 'running' })).toEqual([]);
      });

      it('forgets optional fields a later put leaves out', () => {
        store.putJob(job('job-1', 'i-1', { state: 'failed', message: 'exit code 1', endedAt: 5 }));
        store.putJob(job('job-1', 'i-1', { attempt: 2 }));
        expect(store.getJob('job-1')).toStrictEqual(job('job-1', 'i-1', { attempt: 2 }));
      });
    });

    describe('timers', () => {
      beforeEach(() => {
        deployed();
        store.createInstance(instance('i-1'));
      });

      const timer = (id: string, dueAt: number) => ({ id, instanceId: 'i-1', dueAt, elementId: 'wait' });

      it('gives due timers earliest first, the next one, and the count', () => {
        expect(store.nextTimer()).toBeUndefined();
        expect(store.countTimers()).toBe(0);
        store.putTimer(timer('c', 300));
        store.putTimer(timer('a', 100));
        store.putTimer(timer('d', 100));
        store.putTimer(timer('b', 200));
        store.putTimer(timer('late', 10_000));
        expect(store.countTimers()).toBe(5);
        expect(store.getTimer('b')).toStrictEqual(timer('b', 200));
        expect(store.getTimer('missing')).toBeUndefined();
        expect(store.nextTimer()).toStrictEqual(timer('a', 100));
        expect(store.dueTimers(250, 10).map((t) => t.id)).toEqual(['a', 'd', 'b']);
        expect(store.dueTimers(300, 2).map((t) => t.id)).toEqual(['a', 'd']);
        expect(store.dueTimers(99, 10)).toEqual([]);

        store.deleteTimer('a');
        store.deleteTimer('a');
        store.putTimer(timer('d', 5_000)); // set again: moved
        expect(store.nextTimer()).toStrictEqual(timer('b', 200));
        expect(store.dueTimers(300, 10).map((t) => t.id)).toEqual(['b', 'c']);
        expect(store.countTimers()).toBe(4);
      });
    });

    describe('user tasks', () => {
      beforeEach(() => {
        deployed();
        store.createInstance(instance('i-1'));
        store.createInstance(instance('i-2'));
      });

      it('round-trips a task, completes it, and lists by state and instance, oldest first', () => {
        const open = userTask('t-1', 'i-1', { name: 'Approve model v42?' });
        store.putUserTask(open);
        expect(store.getUserTask('t-1')).toStrictEqual(open);
        const done = { ...open, state: 'completed' as const, completedAt: 9_000, completedBy: 'github:ada', variables: { approved: true } };
        store.putUserTask(done);
        expect(store.getUserTask('t-1')).toStrictEqual(done);
        expect(store.getUserTask('missing')).toBeUndefined();

        store.putUserTask(userTask('t-3', 'i-2', { createdAt: 7_000 }));
        store.putUserTask(userTask('t-2', 'i-1', { createdAt: 6_000 }));
        store.putUserTask(userTask('t-4', 'i-2', { createdAt: 8_000, state: 'cancelled' }));
        const ids = (filter: Parameters<Store['listUserTasks']>[0]) => store.listUserTasks(filter).map((t) => t.id);
        expect(ids({})).toEqual(['t-1', 't-2', 't-3', 't-4']);
        expect(ids({ state: 'open' })).toEqual(['t-2', 't-3']);
        expect(ids({ instanceId: 'i-1' })).toEqual(['t-1', 't-2']);
        expect(ids({ state: 'open', instanceId: 'i-2' })).toEqual(['t-3']);
        expect(ids({ limit: 2 })).toEqual(['t-1', 't-2']);
      });

      it('pages open tasks after a given one, ties on the time broken by id', () => {
        for (const [id, at] of [['b', 1], ['a', 1], ['c', 2], ['d', 3], ['e', 3]] as const) {
          store.putUserTask(userTask(id, 'i-1', { createdAt: at }));
        }
        store.putUserTask(userTask('x', 'i-1', { createdAt: 2, state: 'completed' }));
        const seen: string[] = [];
        let after: { id: string; createdAt: number } | undefined;
        for (;;) {
          const page = store.listUserTasks({ state: 'open', limit: 2, ...(after ? { after } : {}) });
          seen.push(...page.map((t) => t.id));
          if (page.length < 2) break;
          after = page[page.length - 1]!;
        }
        expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
      });
    });

    describe('claimOnce', () => {
      it('is true the first time a key is claimed in its scope, false ever after', () => {
        expect(store.claimOnce('webhook', 'delivery-1', 1)).toBe(true);
        expect(store.claimOnce('webhook', 'delivery-1', 2)).toBe(false);
        expect(store.claimOnce('schedule:churn/nightly', 'delivery-1', 3)).toBe(true);
        expect(store.claimOnce('webhook', 'delivery-2', 4)).toBe(true);
      });
    });

    describe('transaction', () => {
      beforeEach(deployed);

      /** Everything one engine step writes. */
      const step = (id: string) => {
        store.createInstance(instance(id));
        store.appendHistory({ instanceId: id, at: 1, type: 'start', actor: 'cli', data: {} });
        store.addCommands(id, [runJob(`job-${id}`)]);
        store.putTimer({ id: `t-${id}`, instanceId: id, dueAt: 5, elementId: 'wait' });
        store.putJob(job(`job-${id}`, id));
        store.putUserTask(userTask(`task-${id}`, id));
        store.claimOnce('start', id, 1);
      };

      const leftBehind = (id: string) => ({
        instance: store.getInstance(id),
        history: store.listHistory(id),
        commands: store.pendingCommands().filter((e) => e.instanceId === id),
        timer: store.getTimer(`t-${id}`),
        job: store.getJob(`job-${id}`),
        task: store.getUserTask(`task-${id}`),
      });

      it('commits everything together and returns what fn returns', () => {
        expect(store.transaction(() => (step('i-1'), 42))).toBe(42);
        const stored = leftBehind('i-1');
        expect(stored.instance?.id).toBe('i-1');
        expect(stored.history).toHaveLength(1);
        expect(stored.commands).toHaveLength(1);
        expect(stored.timer && stored.job && stored.task).toBeTruthy();
      });

      it('leaves nothing behind when fn throws, and passes its error on unchanged', () => {
        const failure = new Error('the engine step failed');
        expect(() =>
          store.transaction(() => {
            step('i-1');
            throw failure;
          }),
        ).toThrow(failure);
        expect(leftBehind('i-1')).toStrictEqual({ instance: undefined, history: [], commands: [], timer: undefined, job: undefined, task: undefined });
        expect(store.claimOnce('start', 'i-1', 2)).toBe(true);
        expect(store.countTimers()).toBe(0);
      });

      it('rolls back a state saved over an older one', () => {
        store.createInstance(instance('i-1', { subscriptions: [messageSubscription('s1', 'payment')] }));
        expect(() =>
          store.transaction(() => {
            store.saveInstanceState('i-1', state('i-1', { status: 'completed' }), 9_000);
            throw new Error('boom');
          }),
        ).toThrow('boom');
        expect(store.getInstance('i-1')?.status).toBe('running');
        expect(store.instancesWaitingForMessage('payment')).toEqual(['i-1']);
      });

      it('nests: an inner transaction that throws is undone alone', () => {
        store.transaction(() => {
          step('outer');
          expect(() =>
            store.transaction(() => {
              step('inner');
              throw new Error('inner failed');
            }),
          ).toThrow('inner failed');
          store.transaction(() => store.appendHistory({ instanceId: 'outer', at: 2, type: 'jobStarted', actor: 'system', data: {} }));
        });
        expect(leftBehind('inner').instance).toBeUndefined();
        expect(store.listHistory('outer').map((h) => h.type)).toEqual(['start', 'jobStarted']);
      });

      it('undoes a failed write inside a transaction that goes on', () => {
        store.createInstance(instance('i-1'));
        store.transaction(() => {
          expectPipelaneError(() => store.createInstance(instance('i-1')), 'CONFLICT');
          store.appendHistory({ instanceId: 'i-1', at: 2, type: 'note', actor: 'system', data: {} });
        });
        expect(store.listHistory('i-1')).toHaveLength(1);
      });
    });
  });
}
