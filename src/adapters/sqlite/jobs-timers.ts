/** Jobs (one row per job id: the command, the last attempt and how it ended) and durable timers. */
import type { RunJob } from '../../engine/commands.js';
import type { JobRecord, JobState, TimerRecord } from '../../ports/store.js';
import { type Connection, fromJson, orNull } from './connection.js';

interface JobRow {
  id: string;
  instance_id: string;
  element_id: string;
  state: JobState;
  attempt: number;
  started_at: number | null;
  ended_at: number | null;
  message: string | null;
  last_log_at: string | null;
  command: string | null;
}

interface TimerRow {
  id: string;
  instance_id: string;
  due_at: number;
  element_id: string;
}

const JOB_COLUMNS = 'id, instance_id, element_id, state, attempt, started_at, ended_at, message, last_log_at, command';

export class JobTable {
  private readonly upsert;
  private readonly byId;
  /** One statement per filter shape, prepared on first use. */
  private readonly lists = new Map<string, ReturnType<Connection['prepare']>>();

  constructor(private readonly db: Connection) {
    this.upsert = db.prepare<JobRow>(
      `INSERT INTO jobs (${JOB_COLUMNS})
       VALUES (@id, @instance_id, @element_id, @state, @attempt, @started_at, @ended_at, @message, @last_log_at, @command)
       ON CONFLICT (id) DO UPDATE SET
         instance_id = excluded.instance_id, element_id = excluded.element_id, state = excluded.state,
         attempt = excluded.attempt, started_at = excluded.started_at, ended_at = excluded.ended_at,
         message = excluded.message, last_log_at = excluded.last_log_at, command = excluded.command`,
    );
    this.byId = db.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`);
  }

  put(job: JobRecord): void {
    this.upsert.run({
      id: job.id,
      instance_id: job.instanceId,
      element_id: job.elementId,
      state: job.state,
      attempt: job.attempt,
      started_at: orNull(job.startedAt),
      ended_at: orNull(job.endedAt),
      message: orNull(job.message),
      last_log_at: orNull(job.lastLogAt),
      command: job.command === undefined ? null : JSON.stringify(job.command),
    });
  }

  get(id: string): JobRecord | undefined {
    const row = this.byId.get(id);
    return row && jobFromRow(row);
  }

  /** In the order the jobs were first stored. */
  list(filter: { instanceId?: string; state?: JobState }): JobRecord[] {
    const where = [filter.instanceId !== undefined ? 'instance_id = @instanceId' : '', filter.state !== undefined ? 'state = @state' : '']
      .filter(Boolean)
      .join(' AND ');
    let statement = this.lists.get(where);
    if (!statement) {
      statement = this.db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs ${where ? `WHERE ${where}` : ''} ORDER BY rowid`);
      this.lists.set(where, statement);
    }
    const rows = statement.all({ instanceId: filter.instanceId ?? null, state: filter.state ?? null }) as JobRow[];
    return rows.map(jobFromRow);
  }
}

export class TimerTable {
  private readonly upsert;
  private readonly byId;
  private readonly remove;
  private readonly due;
  private readonly next;
  private readonly count;

  constructor(db: Connection) {
    this.upsert = db.prepare<TimerRow>(
      `INSERT INTO timers (id, instance_id, due_at, element_id) VALUES (@id, @instance_id, @due_at, @element_id)
       ON CONFLICT (id) DO UPDATE SET
         instance_id = excluded.instance_id, due_at = excluded.due_at, element_id = excluded.element_id`,
    );
    this.byId = db.prepare<[string], TimerRow>('SELECT id, instance_id, due_at, element_id FROM timers WHERE id = ?');
    this.remove = db.prepare<[string]>('DELETE FROM timers WHERE id = ?');
    // Ties on due_at go by id, so the order is the same on every call.
    this.due = db.prepare<[number, number], TimerRow>(
      'SELECT id, instance_id, due_at, element_id FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT ?',
    );
    this.next = db.prepare<[], TimerRow>('SELECT id, instance_id, due_at, element_id FROM timers ORDER BY due_at, id LIMIT 1');
    this.count = db.prepare<[], number>('SELECT count(*) FROM timers').pluck();
  }

  /** Setting a timer again (same id) moves it. */
  put(timer: TimerRecord): void {
    this.upsert.run({ id: timer.id, instance_id: timer.instanceId, due_at: timer.dueAt, element_id: timer.elementId });
  }

  get(id: string): TimerRecord | undefined {
    const row = this.byId.get(id);
    return row && timerFromRow(row);
  }

  delete(id: string): void {
    this.remove.run(id);
  }

  dueAt(at: number, limit: number): TimerRecord[] {
    return this.due.all(at, limit).map(timerFromRow);
  }

  nextDue(): TimerRecord | undefined {
    const row = this.next.get();
    return row && timerFromRow(row);
  }

  size(): number {
    return this.count.get() ?? 0;
  }
}

function jobFromRow(row: JobRow): JobRecord {
  const job: JobRecord = { id: row.id, instanceId: row.instance_id, elementId: row.element_id, state: row.state, attempt: row.attempt };
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.ended_at !== null) job.endedAt = row.ended_at;
  if (row.message !== null) job.message = row.message;
  if (row.last_log_at !== null) job.lastLogAt = row.last_log_at;
  if (row.command !== null) job.command = fromJson<RunJob>(row.command);
  return job;
}

function timerFromRow(row: TimerRow): TimerRecord {
  return { id: row.id, instanceId: row.instance_id, dueAt: row.due_at, elementId: row.element_id };
}
