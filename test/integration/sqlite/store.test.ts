import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, MIGRATIONS, openConnection, openSqliteStore, SCHEMA_VERSION, SqliteStore } from '../../../src/adapters/sqlite/index.js';
import { deployment, instance, job, messageSubscription, runJob, state, userTask } from '../../store/fixtures.js';
import { expectPipelaneError, storeSuite } from '../../store/store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'pipelane-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A data directory that does not exist yet: the store creates it. */
const freshDir = () => join(root, `data-${++dirs}`, '.pipelane');

storeSuite('SQLite', () => openSqliteStore(freshDir()));

/** Reads the file with a connection of its own, as another process would. */
function inspect<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(databasePath(dir));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const schemaOf = (dir: string) => inspect(dir, (db) => db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all());

describe('SqliteStore: the file', () => {
  it('is <dataDir>/pipelane.db in WAL mode with foreign keys on and synchronous=NORMAL', () => {
    const dir = freshDir();
    openSqliteStore(dir).close();
    expect(existsSync(join(dir, 'pipelane.db'))).toBe(true);
    expect(inspect(dir, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    const db = openConnection(dir);
    try {
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('keeps everything when reopened', () => {
    const dir = freshDir();
    const first = openSqliteStore(dir);
    first.transaction(() => {
      first.putDeployment(deployment('churn.bpmn@1'));
      first.createInstance(instance('i-1', { subscriptions: [messageSubscription('s1', 'payment')] }));
      first.appendHistory({ instanceId: 'i-1', at: 1, type: 'start', actor: 'cli', data: {} });
      first.addCommands('i-1', [runJob('job-1')]);
      first.putJob(job('job-1', 'i-1'));
      first.putTimer({ id: 't-1', instanceId: 'i-1', dueAt: 50, elementId: 'wait' });
      first.putUserTask(userTask('task-1', 'i-1'));
      first.claimOnce('webhook', 'd-1', 1);
    });
    first.close();
    first.close(); // closing twice is harmless

    const again = openSqliteStore(dir);
    try {
      expect(again.getDeployment('churn.bpmn@1')).toStrictEqual(deployment('churn.bpmn@1'));
      expect(again.getInstance('i-1')).toStrictEqual(instance('i-1', { subscriptions: [messageSubscription('s1', 'payment')] }));
      expect(again.instancesWaitingForMessage('payment')).toEqual(['i-1']);
      expect(again.listHistory('i-1')).toHaveLength(1);
      expect(again.pendingCommands().map((e) => e.command)).toStrictEqual([runJob('job-1')]);
      expect(again.getJob('job-1')).toStrictEqual(job('job-1', 'i-1'));
      expect(again.nextTimer()?.id).toBe('t-1');
      expect(again.getUserTask('task-1')).toStrictEqual(userTask('task-1', 'i-1'));
      expect(again.claimOnce('webhook', 'd-1', 2)).toBe(false);
    } finally {
      again.close();
    }
  });

  it('applies migrations once: reopening changes neither version nor schema', () => {
    const dir = freshDir();
    openSqliteStore(dir).close();
    const schema = schemaOf(dir);
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
    openSqliteStore(dir).close();
    openSqliteStore(dir).close();
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
    expect(schemaOf(dir)).toEqual(schema);
  });

  it('brings a file of schema 4 up to date, counting the open incidents its running instances already had', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const incident = { id: 'x1', nodeId: 'n1', elementId: 'train', message: 'exit 1', retry: 'job' };
    inspect(dir, (db) => {
      for (const sql of MIGRATIONS.slice(0, 4)) db.exec(sql);
      db.pragma('user_version = 4');
      db.prepare(`INSERT INTO deployments (id, file, hash, process_ids, model, sidecar, repo_dir, deployed_at, active) VALUES ('d', 'a.bpmn', 'h', '["p"]', '{}', NULL, '/r', 1, 1)`).run();
      const insert = db.prepare("INSERT INTO instances (id, deployment_id, process_id, status, state, created_at, updated_at) VALUES (?, 'd', 'p', ?, ?, 1, 1)");
      insert.run('stuck', 'running', JSON.stringify({ ...state('stuck'), incidents: { x1: incident } }));
      insert.run('ended', 'failed', JSON.stringify({ ...state('ended', { status: 'failed' }), incidents: { x1: incident } }));
    });
    const store = openSqliteStore(dir);
    try {
      expect(store.countOpenIncidents()).toBe(1);
    } finally {
      store.close();
    }
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
  });

  it('refuses a file written by a newer Pipelane, saying which versions and what to do, and leaves it alone', () => {
    const dir = freshDir();
    openSqliteStore(dir).close();
    inspect(dir, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`));
    const error = expectPipelaneError(() => openSqliteStore(dir), 'STORE_FAILED');
    expect(error.message).toContain(databasePath(dir));
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`supports versions up to ${SCHEMA_VERSION}`);
    expect(error.message).toContain('Upgrade Pipelane');
    expect(inspect(dir, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION + 1);
  });

  it('refuses a file that is not a database with STORE_FAILED naming it', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(databasePath(dir), 'this is not a database, just text. '.repeat(200));
    const error = expectPipelaneError(() => openSqliteStore(dir), 'STORE_FAILED');
    expect(error.message).toContain(databasePath(dir));
  });
});

describe('SqliteStore: failures', () => {
  /** A store whose file may grow only by `pages` pages: a full disk, on demand. */
  function storeWithRoom(pages: number): { store: SqliteStore; db: Database.Database } {
    const db = openConnection(freshDir());
    const store = new SqliteStore(db);
    const used = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${used + pages}`);
    return { store, db };
  }

  it('a full disk fails the step with STORE_FAILED naming the operation, and loses nothing stored', () => {
    const { store } = storeWithRoom(8);
    try {
      store.transaction(() => {
        store.putDeployment(deployment('churn.bpmn@1'));
        store.createInstance(instance('i-1'));
      });
      const before = store.getInstance('i-1');
      const huge = state('i-1', { variables: { blob: 'x'.repeat(200_000) } });
      const error = expectPipelaneError(
        () =>
          store.transaction(() => {
            store.saveInstanceState('i-1', huge, 9_000);
            store.appendHistory({ instanceId: 'i-1', at: 9_000, type: 'jobCompleted', actor: 'system', data: {} });
          }),
        'STORE_FAILED',
      );
      expect(error.message).toMatch(/saveInstanceState\(i-1\).*full/);
      expect(error.retryable).toBe(true);
      expect(store.getInstance('i-1')).toStrictEqual(before);
      expect(store.listHistory('i-1')).toEqual([]);

      // Small writes still fit: the store goes on working.
      store.appendHistory({ instanceId: 'i-1', at: 9_001, type: 'incident', actor: 'system', data: {} });
      expect(store.listHistory('i-1')).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('a row naming an instance that was never stored fails the commit, and the step leaves nothing', () => {
    const store = openSqliteStore(freshDir());
    try {
      store.putDeployment(deployment('churn.bpmn@1'));
      const error = expectPipelaneError(
        () =>
          store.transaction(() => {
            store.createInstance(instance('i-1'));
            store.appendHistory({ instanceId: 'ghost', at: 1, type: 'start', actor: 'cli', data: {} });
          }),
        'STORE_FAILED',
      );
      expect(error.message).toMatch(/commit.*FOREIGN KEY/);
      expect(store.getInstance('i-1')).toBeUndefined();
      expect(() => store.appendHistory({ instanceId: 'ghost', at: 1, type: 'start', actor: 'cli', data: {} })).toThrow(/appendHistory\(ghost, start\)/);
    } finally {
      store.close();
    }
  });

  it('a closed store fails with STORE_FAILED naming the operation', () => {
    const store = openSqliteStore(freshDir());
    store.close();
    expect(expectPipelaneError(() => store.getInstance('i-1'), 'STORE_FAILED').message).toContain('getInstance(i-1)');
  });
});
