import type Database from 'better-sqlite3';
import type { Connection } from './connection.js';

/**
 * A SELECT whose WHERE holds only the conditions a filter uses, prepared once
 * per combination of them: `select([byState && 'state = @state', …])`.
 * Every named parameter is bound on each call (null when its condition is
 * left out), so one parameter object serves every combination.
 */
export function filteredSelect<P extends object, R>(db: Connection, sql: (where: string) => string): (conditions: (string | false)[]) => Database.Statement<P, R> {
  const prepared = new Map<string, Database.Statement<P, R>>();
  return (conditions) => {
    const used = conditions.filter((c): c is string => c !== false);
    const where = used.length > 0 ? `WHERE ${used.join(' AND ')}` : '';
    let statement = prepared.get(where);
    if (!statement) {
      statement = db.prepare<P, R>(sql(where));
      prepared.set(where, statement);
    }
    return statement;
  };
}
