/**
 * Instances with the engine's state as JSON, and the index of the messages and
 * signals running instances wait for, rewritten with every state written.
 */
import { PipelaneError } from '../../errors.js';
import type { InstanceState, InstanceStatus } from '../../engine/state.js';
import type { InstanceFilter, InstanceRecord, Page } from '../../ports/store.js';
import { type Connection, fromJson, isSqliteError, orNull } from './connection.js';
import { filteredSelect } from './filtered-select.js';
import { decodeCursor, encodeCursor } from './instance-cursor.js';

interface InstanceRow {
  id: string;
  deployment_id: string;
  process_id: string;
  status: InstanceStatus;
  state: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, deployment_id, process_id, status, state, created_at, updated_at';

type WaitKind = 'message' | 'signal';

export class InstanceTable {
  private readonly insert;
  private readonly update;
  private readonly byId;
  private readonly deleteSubscriptions;
  private readonly insertSubscription;
  private readonly waiting;
  private readonly counts;
  private readonly incidents;
  /** Newest first, by process? status? after a cursor? */
  private readonly pages;

  constructor(db: Connection) {
    this.insert = db.prepare<InstanceRow & { open_incidents: number }>(
      `INSERT INTO instances (${COLUMNS}, open_incidents)
       VALUES (@id, @deployment_id, @process_id, @status, @state, @created_at, @updated_at, @open_incidents)`,
    );
    this.update = db.prepare<[InstanceStatus, string, number, number, string]>(
      'UPDATE instances SET status = ?, state = ?, open_incidents = ?, updated_at = ? WHERE id = ?',
    );
    this.incidents = db
      .prepare<[], number>("SELECT coalesce(sum(open_incidents), 0) FROM instances WHERE status = 'running' AND open_incidents > 0")
      .pluck();
    this.byId = db.prepare<[string], InstanceRow>(`SELECT ${COLUMNS} FROM instances WHERE id = ?`);
    this.pages = filteredSelect<PageParameters, InstanceRow>(db, (where) => `SELECT ${COLUMNS} FROM instances ${where} ORDER BY created_at DESC, id DESC LIMIT @limit`);
    this.deleteSubscriptions = db.prepare<[string]>('DELETE FROM subscriptions WHERE instance_id = ?');
    this.insertSubscription = db.prepare<[string, string, WaitKind, string, string | null]>(
      `INSERT OR REPLACE INTO subscriptions (instance_id, subscription_id, kind, name, correlation_key)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.waiting = db
      .prepare<[WaitKind, string], string>(
        'SELECT DISTINCT instance_id FROM subscriptions WHERE kind = ? AND name = ? ORDER BY instance_id',
      )
      .pluck();
    this.counts = db.prepare<[], { processId: string; status: InstanceStatus; count: number }>(
      `SELECT process_id AS processId, status, count(*) AS count FROM instances
       GROUP BY process_id, status ORDER BY process_id, status`,
    );
  }

  /** Call inside a transaction: the row and its subscriptions are written together. */
  create(instance: InstanceRecord): void {
    try {
      this.insert.run({
        id: instance.id,
        deployment_id: instance.deploymentId,
        process_id: instance.processId,
        status: instance.status,
        state: JSON.stringify(instance.state),
        created_at: instance.createdAt,
        updated_at: instance.updatedAt,
        open_incidents: openIncidents(instance.state),
      });
    } catch (error) {
      if (isSqliteError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
        throw new PipelaneError('CONFLICT', `instance ${instance.id} exists already`, { cause: error });
      }
      if (isSqliteError(error, 'SQLITE_CONSTRAINT_FOREIGNKEY')) {
        throw new PipelaneError(
          'MODEL_NOT_FOUND',
          `instance ${instance.id} names deployment ${instance.deploymentId}, which is not stored; put the deployment first`,
          { cause: error },
        );
      }
      throw error;
    }
    this.writeSubscriptions(instance.id, instance.status, instance.state);
  }

  /** Call inside a transaction. */
  save(id: string, state: InstanceState, updatedAt: number): void {
    if (this.update.run(state.status, JSON.stringify(state), openIncidents(state), updatedAt, id).changes === 0) {
      throw new PipelaneError('INSTANCE_NOT_FOUND', `cannot save the state of instance ${id}: it is not stored`);
    }
    this.writeSubscriptions(id, state.status, state);
  }

  get(id: string): InstanceRecord | undefined {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  list(filter: InstanceFilter): Page<InstanceRecord> {
    const { limit } = filter;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new PipelaneError('BAD_REQUEST', `limit must be a positive whole number, not ${limit}`);
    }
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const statement = this.pages([
      filter.processId !== undefined && 'process_id = @process_id',
      filter.status !== undefined && 'status = @status',
      after !== undefined && '(created_at, id) < (@created_at, @id)',
    ]);
    const rows = statement.all({
      process_id: filter.processId ?? null,
      status: filter.status ?? null,
      created_at: after?.createdAt ?? null,
      id: after?.id ?? null,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(fromRow);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  waitingFor(kind: WaitKind, name: string): string[] {
    return this.waiting.all(kind, name);
  }

  count(): { processId: string; status: InstanceStatus; count: number }[] {
    return this.counts.all();
  }

  countOpenIncidents(): number {
    return this.incidents.get() ?? 0;
  }

  /** Only running instances wait: an ended one keeps no rows. */
  private writeSubscriptions(id: string, status: InstanceStatus, state: InstanceState): void {
    this.deleteSubscriptions.run(id);
    if (status !== 'running') return;
    for (const [key, subscription] of Object.entries(state.subscriptions)) {
      const { trigger } = subscription;
      if (trigger.type === 'message') {
        this.insertSubscription.run(id, key, 'message', trigger.name, orNull(trigger.correlationKey));
      } else if (trigger.type === 'signal') {
        this.insertSubscription.run(id, key, 'signal', trigger.name, null);
      }
    }
  }
}

interface PageParameters {
  process_id: string | null;
  status: InstanceStatus | null;
  created_at: number | null;
  id: string | null;
  limit: number;
}

function fromRow(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    processId: row.process_id,
    status: row.status,
    state: fromJson<InstanceState>(row.state),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Incidents count while the instance runs; an ended one has none open. */
function openIncidents(state: InstanceState): number {
  return state.status === 'running' ? Object.keys(state.incidents).length : 0;
}
