/**
 * The GitOpsStore port on the Store's own SQLite connection: build it from
 * the connection a SqliteStore was built from, and `store.transaction(fn)`
 * covers its writes too.
 */
import type {
  FireOutcome,
  FireRecord,
  GitOpsStore,
  RevisionRecord,
  ScheduleRecord,
  ScheduleState,
  SyncState,
} from '../../ports/gitops-store.js';
import type { ScheduleDefinition } from '../../schedule/scheduler-sources.js';
import { type Connection, fromJson, orNull, storeFailed } from './connection.js';
import { migrate } from './migrations.js';

interface ScheduleRow {
  id: string;
  state: ScheduleState;
  definition: string;
  deployment_id: string;
  created_at: number;
  since: number;
  updated_at: number;
  handled_through: number;
  last_fire_at: number | null;
  revision: string | null;
}

interface FireRow {
  schedule_id: string;
  fire_at: number;
  outcome: FireOutcome;
  decided_at: number;
  instance_id: string | null;
  reason: string | null;
  open: number;
}

const SCHEDULE_COLUMNS = 'id, state, definition, deployment_id, created_at, since, updated_at, handled_through, last_fire_at, revision';
const FIRE_COLUMNS = 'schedule_id, fire_at, outcome, decided_at, instance_id, reason, open';

export class SqliteGitOpsStore implements GitOpsStore {
  private readonly s;

  constructor(db: Connection) {
    try {
      migrate(db);
      this.s = {
        putSchedule: db.prepare<ScheduleRow>(
          `INSERT INTO schedules (${SCHEDULE_COLUMNS})
           VALUES (@id, @state, @definition, @deployment_id, @created_at, @since, @updated_at, @handled_through, @last_fire_at, @revision)
           ON CONFLICT (id) DO UPDATE SET
             state = excluded.state, definition = excluded.definition, deployment_id = excluded.deployment_id,
             created_at = excluded.created_at, since = excluded.since, updated_at = excluded.updated_at,
             handled_through = excluded.handled_through, last_fire_at = excluded.last_fire_at, revision = excluded.revision`,
        ),
        getSchedule: db.prepare<[string], ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE id = ?`),
        allSchedules: db.prepare<[], ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules ORDER BY id`),
        schedulesIn: db.prepare<[string], ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE state = ? ORDER BY id`),
        putFire: db.prepare<FireRow>(
          `INSERT INTO schedule_fires (${FIRE_COLUMNS})
           VALUES (@schedule_id, @fire_at, @outcome, @decided_at, @instance_id, @reason, @open)
           ON CONFLICT (schedule_id, fire_at) DO UPDATE SET
             outcome = excluded.outcome, decided_at = excluded.decided_at, instance_id = excluded.instance_id,
             reason = excluded.reason, open = excluded.open`,
        ),
        fires: db.prepare<[string, number], FireRow>(
          `SELECT ${FIRE_COLUMNS} FROM schedule_fires WHERE schedule_id = ? ORDER BY fire_at DESC LIMIT ?`,
        ),
        firesByOutcome: db.prepare<[string, string, number], FireRow>(
          `SELECT ${FIRE_COLUMNS} FROM schedule_fires WHERE schedule_id = ? AND outcome = ? ORDER BY fire_at DESC LIMIT ?`,
        ),
        openFires: db.prepare<[string, number], FireRow>(
          `SELECT ${FIRE_COLUMNS} FROM schedule_fires WHERE schedule_id = ? AND open = 1 ORDER BY fire_at DESC LIMIT ?`,
        ),
        queued: db.prepare<[string, number], FireRow>(
          `SELECT ${FIRE_COLUMNS} FROM schedule_fires WHERE schedule_id = ? AND outcome = 'queued' ORDER BY fire_at LIMIT ?`,
        ),
        putRevision: db.prepare<[string, number, string]>(
          `INSERT INTO revisions (revision, reconciled_at, body) VALUES (?, ?, ?)
           ON CONFLICT (revision) DO UPDATE SET reconciled_at = excluded.reconciled_at, body = excluded.body`,
        ),
        getRevision: db.prepare<[string], { body: string }>('SELECT body FROM revisions WHERE revision = ?'),
        revisions: db.prepare<[number], { body: string }>('SELECT body FROM revisions ORDER BY reconciled_at DESC LIMIT ?'),
        getSync: db.prepare<[], { revision: string; synced_at: number; source: string | null }>('SELECT revision, synced_at, source FROM sync_state WHERE id = 1'),
        putSync: db.prepare<[string, number, string | null]>(
          `INSERT INTO sync_state (id, revision, synced_at, source) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, synced_at = excluded.synced_at, source = excluded.source`,
        ),
      };
    } catch (error) {
      throw storeFailed(`open the GitOps tables of ${db.name}`, error);
    }
  }

  putSchedule(schedule: ScheduleRecord): void {
    this.run(`putSchedule(${schedule.id})`, () => this.s.putSchedule.run(scheduleRow(schedule)));
  }

  getSchedule(id: string): ScheduleRecord | undefined {
    const row = this.run(`getSchedule(${id})`, () => this.s.getSchedule.get(id));
    return row && scheduleOf(row);
  }

  listSchedules(filter: { state?: ScheduleState } = {}): ScheduleRecord[] {
    const rows = this.run('listSchedules', () =>
      filter.state === undefined ? this.s.allSchedules.all() : this.s.schedulesIn.all(filter.state!),
    );
    return rows.map(scheduleOf);
  }

  putFire(fire: FireRecord): void {
    this.run(`putFire(${fire.scheduleId}, ${fire.fireAt})`, () =>
      this.s.putFire.run({
        schedule_id: fire.scheduleId,
        fire_at: fire.fireAt,
        outcome: fire.outcome,
        decided_at: fire.decidedAt,
        instance_id: orNull(fire.instanceId),
        reason: orNull(fire.reason),
        open: fire.open ? 1 : 0,
      }),
    );
  }

  listFires(scheduleId: string, filter: { outcome?: FireOutcome; open?: boolean; limit: number }): FireRecord[] {
    const rows = this.run(`listFires(${scheduleId})`, () => {
      if (filter.open === true) return this.s.openFires.all(scheduleId, filter.limit);
      if (filter.outcome !== undefined) return this.s.firesByOutcome.all(scheduleId, filter.outcome, filter.limit);
      return this.s.fires.all(scheduleId, filter.limit);
    });
    return rows.filter((r) => filter.outcome === undefined || r.outcome === filter.outcome).map(fireOf);
  }

  queuedFires(scheduleId: string, limit: number): FireRecord[] {
    return this.run(`queuedFires(${scheduleId})`, () => this.s.queued.all(scheduleId, limit)).map(fireOf);
  }

  putRevision(revision: RevisionRecord): void {
    this.run(`putRevision(${revision.revision})`, () =>
      this.s.putRevision.run(revision.revision, revision.reconciledAt, JSON.stringify(revision)),
    );
  }

  getRevision(revision: string): RevisionRecord | undefined {
    const row = this.run(`getRevision(${revision})`, () => this.s.getRevision.get(revision));
    return row && fromJson<RevisionRecord>(row.body);
  }

  listRevisions(limit: number): RevisionRecord[] {
    return this.run('listRevisions', () => this.s.revisions.all(limit)).map((row) => fromJson<RevisionRecord>(row.body));
  }

  getSyncState(): SyncState | undefined {
    const row = this.run('getSyncState', () => this.s.getSync.get());
    return row && { revision: row.revision, syncedAt: row.synced_at, ...(row.source === null ? {} : { source: row.source }) };
  }

  putSyncState(state: SyncState): void {
    this.run('putSyncState', () => this.s.putSync.run(state.revision, state.syncedAt, orNull(state.source)));
  }

  private run<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeFailed(operation, error);
    }
  }
}

function scheduleRow(s: ScheduleRecord): ScheduleRow {
  const definition: ScheduleDefinition = {
    id: s.id,
    file: s.file,
    source: s.source,
    processId: s.processId,
    ...(s.startEventId === undefined ? {} : { startEventId: s.startEventId }),
    trigger: s.trigger,
    variables: s.variables,
    overlap: s.overlap,
    catchUp: s.catchUp,
  };
  return {
    id: s.id,
    state: s.state,
    definition: JSON.stringify(definition),
    deployment_id: s.deploymentId,
    created_at: s.createdAt,
    since: s.since,
    updated_at: s.updatedAt,
    handled_through: s.handledThrough,
    last_fire_at: orNull(s.lastFireAt),
    revision: orNull(s.revision),
  };
}

function scheduleOf(row: ScheduleRow): ScheduleRecord {
  return {
    ...fromJson<ScheduleDefinition>(row.definition),
    deploymentId: row.deployment_id,
    state: row.state,
    createdAt: row.created_at,
    since: row.since,
    updatedAt: row.updated_at,
    handledThrough: row.handled_through,
    ...(row.last_fire_at === null ? {} : { lastFireAt: row.last_fire_at }),
    ...(row.revision === null ? {} : { revision: row.revision }),
  };
}

function fireOf(row: FireRow): FireRecord {
  return {
    scheduleId: row.schedule_id,
    fireAt: row.fire_at,
    outcome: row.outcome,
    decidedAt: row.decided_at,
    ...(row.instance_id === null ? {} : { instanceId: row.instance_id }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    open: row.open === 1,
  };
}
