/** Keys of things that must happen once: a webhook delivery, a schedule fire. */
import type { Connection } from './connection.js';

export class IdempotencyKeyTable {
  private readonly insert;

  constructor(db: Connection) {
    this.insert = db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO idempotency_keys (scope, key, claimed_at) VALUES (?, ?, ?)',
    );
  }

  /** True the first time (scope, key) is claimed; false ever after. */
  claim(scope: string, key: string, at: number): boolean {
    return this.insert.run(scope, key, at).changes === 1;
  }
}
