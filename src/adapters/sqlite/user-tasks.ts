/** User tasks: what a person is asked to do, with its assignment and form. */
import { filteredSelect } from './filtered-select.js';
import type { UserTaskFilter, UserTaskRecord, UserTaskState } from '../../ports/store.js';
import { type Connection, fromJson, orNull } from './connection.js';

interface UserTaskRow {
  id: string;
  instance_id: string;
  process_id: string;
  element_id: string;
  name: string | null;
  state: UserTaskState;
  extensions: string;
  variables: string;
  created_at: number;
  completed_at: number | null;
  completed_by: string | null;
}

interface ListParameters {
  state: UserTaskState | null;
  instance_id: string | null;
  after_created_at: number | null;
  after_id: string | null;
  limit: number;
}

const COLUMNS = 'id, instance_id, process_id, element_id, name, state, extensions, variables, created_at, completed_at, completed_by';

export class UserTaskTable {
  private readonly upsert;
  private readonly byId;
  /** One statement per filter shape, prepared on first use. */
  /** Oldest first, by state? instance? after a task? */
  private readonly lists;

  constructor(db: Connection) {
    this.lists = filteredSelect<ListParameters, UserTaskRow>(db, (where) => `SELECT ${COLUMNS} FROM user_tasks ${where} ORDER BY created_at, id LIMIT @limit`);
    this.upsert = db.prepare<UserTaskRow>(
      `INSERT INTO user_tasks (${COLUMNS})
       VALUES (@id, @instance_id, @process_id, @element_id, @name, @state, @extensions, @variables,
               @created_at, @completed_at, @completed_by)
       ON CONFLICT (id) DO UPDATE SET
         instance_id = excluded.instance_id, process_id = excluded.process_id, element_id = excluded.element_id,
         name = excluded.name, state = excluded.state, extensions = excluded.extensions,
         variables = excluded.variables, created_at = excluded.created_at,
         completed_at = excluded.completed_at, completed_by = excluded.completed_by`,
    );
    this.byId = db.prepare<[string], UserTaskRow>(`SELECT ${COLUMNS} FROM user_tasks WHERE id = ?`);
  }

  put(task: UserTaskRecord): void {
    this.upsert.run({
      id: task.id,
      instance_id: task.instanceId,
      process_id: task.processId,
      element_id: task.elementId,
      name: orNull(task.name),
      state: task.state,
      extensions: JSON.stringify(task.extensions),
      variables: JSON.stringify(task.variables),
      created_at: task.createdAt,
      completed_at: orNull(task.completedAt),
      completed_by: orNull(task.completedBy),
    });
  }

  get(id: string): UserTaskRecord | undefined {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  /** Oldest first, as an inbox is worked through. */
  list(filter: UserTaskFilter): UserTaskRecord[] {
    const statement = this.lists([
      filter.state !== undefined && 'state = @state',
      filter.instanceId !== undefined && 'instance_id = @instance_id',
      filter.after !== undefined && '(created_at, id) > (@after_created_at, @after_id)',
    ]);
    const rows = statement.all({
      state: filter.state ?? null,
      instance_id: filter.instanceId ?? null,
      after_created_at: filter.after?.createdAt ?? null,
      after_id: filter.after?.id ?? null,
      limit: filter.limit ?? -1,
    });
    return rows.map(fromRow);
  }
}

function fromRow(row: UserTaskRow): UserTaskRecord {
  const task: UserTaskRecord = {
    id: row.id,
    instanceId: row.instance_id,
    processId: row.process_id,
    elementId: row.element_id,
    state: row.state,
    extensions: fromJson<Record<string, string>>(row.extensions),
    variables: fromJson<Record<string, unknown>>(row.variables),
    createdAt: row.created_at,
  };
  if (row.name !== null) task.name = row.name;
  if (row.completed_at !== null) task.completedAt = row.completed_at;
  if (row.completed_by !== null) task.completedBy = row.completed_by;
  return task;
}
