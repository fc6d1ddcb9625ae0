/**
 * What a step writes besides the state: the commands still to apply (the
 * outbox) and the history of events, the audit trail.
 */
import type { Command } from '../../engine/commands.js';
import type { HistoryEntry, OutboxEntry } from '../../ports/store.js';
import { type Connection, fromJson } from './connection.js';

interface OutboxRow {
  id: number;
  instance_id: string;
  command: string;
}

interface HistoryRow {
  instance_id: string;
  at: number;
  type: string;
  actor: string;
  data: string;
}

export class OutboxTable {
  private readonly insert;
  private readonly pending;
  private readonly apply;

  constructor(db: Connection) {
    this.insert = db.prepare<[string, string, string]>('INSERT INTO outbox (instance_id, type, command) VALUES (?, ?, ?)');
    // The partial index holds just the pending rows. Named, because a scan in
    // id (rowid) order also looks cheap to the planner, and reads every
    // applied command before the first pending one. LIMIT -1 is no limit.
    this.pending = db.prepare<[number], OutboxRow>(
      'SELECT id, instance_id, command FROM outbox INDEXED BY outbox_pending WHERE applied = 0 ORDER BY id LIMIT ?',
    );
    // An applied command is done with (the history is the audit trail), so its row goes: the outbox stays small.
    this.apply = db.prepare<[number]>('DELETE FROM outbox WHERE id = ?');
  }

  /** Call inside a transaction when there is more than one command. */
  add(instanceId: string, commands: Command[]): void {
    for (const command of commands) this.insert.run(instanceId, command.type, JSON.stringify(command));
  }

  /** Oldest first: commands are applied in the order the engine gave them. */
  list(limit?: number): OutboxEntry[] {
    return this.pending.all(limit ?? -1).map((row) => ({
      id: row.id,
      instanceId: row.instance_id,
      command: fromJson<Command>(row.command),
    }));
  }

  /** Idempotent: marking twice, or an unknown id, changes nothing. */
  markApplied(id: number): void {
    this.apply.run(id);
  }
}

export class HistoryTable {
  private readonly insert;
  private readonly ofInstance;

  constructor(db: Connection) {
    this.insert = db.prepare<HistoryRow>(
      'INSERT INTO history (instance_id, at, type, actor, data) VALUES (@instance_id, @at, @type, @actor, @data)',
    );
    this.ofInstance = db.prepare<[string], HistoryRow>(
      'SELECT instance_id, at, type, actor, data FROM history WHERE instance_id = ? ORDER BY seq',
    );
  }

  append(entry: HistoryEntry): void {
    this.insert.run({
      instance_id: entry.instanceId,
      at: entry.at,
      type: entry.type,
      actor: entry.actor,
      data: JSON.stringify(entry.data),
    });
  }

  /** In the order written. */
  list(instanceId: string): HistoryEntry[] {
    return this.ofInstance.all(instanceId).map((row) => ({
      instanceId: row.instance_id,
      at: row.at,
      type: row.type,
      actor: row.actor,
      data: fromJson<Record<string, unknown>>(row.data),
    }));
  }
}
