/** A Scheduler on a real SQLite file with a virtual clock and a starter that records instances. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection, SqliteStore } from '../../../src/adapters/sqlite/index.js';
import { SqliteGitOpsStore } from '../../../src/adapters/sqlite/gitops-store.js';
import type { ScheduleRecord } from '../../../src/ports/gitops-store.js';
import { Scheduler, type ScheduleStarter, type SchedulerOptions } from '../../../src/schedule/scheduler.js';
import type { ScheduleDefinition } from '../../../src/schedule/scheduler-sources.js';
import { deployment, state } from '../../store/fixtures.js';
import { VirtualClock } from './virtual-clock.js';

export interface Started {
  instanceId: string;
  at: number;
  actor: string;
  variables: Record<string, unknown>;
  deploymentId: string;
}

export class SchedulerWorld {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'pipelane-scheduler-'));
  store!: SqliteStore;
  gitops!: SqliteGitOpsStore;
  scheduler: Scheduler | undefined;
  readonly started: Started[] = [];
  private n = 0;

  constructor(readonly clock: VirtualClock) {
    this.open();
    this.store.putDeployment(deployment('churn/churn.bpmn@1'));
  }

  /** Opens the store (again, after `crash`). */
  open(): void {
    const db = openConnection(this.dataDir);
    this.store = new SqliteStore(db);
    this.gitops = new SqliteGitOpsStore(db);
  }

  readonly starter: ScheduleStarter = {
    start: (request, alsoInTransaction) => {
      const id = `i-${++this.n}`;
      const at = this.clock.now();
      this.store.transaction(() => {
        this.store.createInstance({ id, deploymentId: request.deploymentId, processId: request.processId, status: 'running', state: state(id), createdAt: at, updatedAt: at });
        alsoInTransaction(id);
      });
      this.started.push({ instanceId: id, at, actor: request.actor, variables: request.variables, deploymentId: request.deploymentId });
      return id;
    },
  };

  schedule(definition: Partial<ScheduleDefinition> & Pick<ScheduleDefinition, 'trigger'>, since = this.clock.now()): ScheduleRecord {
    const record: ScheduleRecord = {
      id: 'churn/churn.bpmn#nightly',
      file: 'churn/churn.bpmn',
      source: 'sidecar',
      processId: 'churn',
      variables: {},
      overlap: 'allow',
      catchUp: 'last',
      ...definition,
      deploymentId: 'churn/churn.bpmn@1',
      state: 'active',
      createdAt: since,
      since,
      updatedAt: since,
      handledThrough: since,
    };
    this.gitops.putSchedule(record);
    return record;
  }

  startScheduler(options: Partial<SchedulerOptions> = {}): Scheduler {
    this.scheduler = new Scheduler({ store: this.store, schedules: this.gitops, clock: this.clock, starter: this.starter, ...options });
    this.scheduler.start();
    return this.scheduler;
  }

  /** The process stops: timers are gone, the file stays. */
  crash(): void {
    this.scheduler?.stop();
    this.scheduler = undefined;
    this.store.close();
  }

  end(instanceId: string): void {
    this.store.saveInstanceState(instanceId, state(instanceId, { status: 'completed' }), this.clock.now());
    this.scheduler?.instanceEnded();
  }

  startTimes(): string[] {
    return this.started.map((s) => new Date(s.at).toISOString());
  }

  fires(id = 'churn/churn.bpmn#nightly') {
    return this.gitops.listFires(id, { limit: 1000 }).reverse();
  }
}
