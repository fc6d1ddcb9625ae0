/**
 * One SQLite connection with the settings the store relies on, and the one
 * place where a better-sqlite3 failure becomes a PipelaneError.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PipelaneError } from '../../errors.js';

export type Connection = Database.Database;

export const DATABASE_FILE = 'pipelane.db';

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export interface ConnectionOptions {
  /** Called with every statement run, its parameters inlined (to check query plans). */
  trace?: (sql: string) => void;
}

/** Opens (creating when missing) `<dataDir>/pipelane.db`. */
export function openConnection(dataDir: string, options: ConnectionOptions = {}): Connection {
  const file = databasePath(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(options.trace ? { verbose: (sql) => options.trace?.(String(sql)) } : {}) });
    try {
      configure(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  } catch (error) {
    throw storeFailed(`open ${file}`, error);
  }
}

function configure(db: Connection): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // WAL: readers never block the writer; NORMAL: a commit survives a crash of
  // the process (not necessarily a power cut), without an fsync per commit.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new PipelaneError('STORE_FAILED', `${db.name} cannot use write-ahead logging (journal mode stayed ${String(mode)})`);
  }
  db.pragma('synchronous = NORMAL');
  // A large transaction (a migration, a bulk import) must not leave a WAL file that big for good.
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  // 64 MB of page cache (the default is 2 MB): the hot pages of instances,
  // jobs and the outbox stay in memory under load; temporary b-trees too.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

/**
 * Wraps a failure of an operation: SQLite's own errors (disk full, I/O, a
 * locked file, a broken constraint) become STORE_FAILED naming the operation;
 * a PipelaneError passes unchanged.
 */
export function storeFailed(operation: string, error: unknown): PipelaneError {
  if (error instanceof PipelaneError) return error;
  if (error instanceof Database.SqliteError) {
    return new PipelaneError('STORE_FAILED', `store: ${operation} failed: ${error.message} (${error.code})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PipelaneError('STORE_FAILED', `store: ${operation} failed: ${message}`, { cause: error });
}

export function isSqliteError(error: unknown, code?: string): error is Database.SqliteError {
  return error instanceof Database.SqliteError && (code === undefined || error.code === code);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** better-sqlite3 binds null, never undefined. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
