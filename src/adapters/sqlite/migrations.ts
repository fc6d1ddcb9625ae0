/**
 * The schema, as an ordered list of migrations: migration i brings the file to
 * version i + 1 (kept in `PRAGMA user_version`). Never edit a released entry;
 * append a new one.
 */
import { PipelaneError } from '../../errors.js';
import type { Connection } from './connection.js';

export const MIGRATIONS: readonly string[] = [
  // 1: the first schema.
  `
  CREATE TABLE deployments (
    id          TEXT PRIMARY KEY,
    file        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    commit_sha  TEXT,
    process_ids TEXT NOT NULL,
    model       TEXT NOT NULL,
    sidecar     TEXT,
    repo_dir    TEXT NOT NULL,
    deployed_at INTEGER NOT NULL,
    active      INTEGER NOT NULL
  );
  CREATE INDEX deployments_by_time ON deployments (deployed_at);

  -- Which processes a deployment holds, for activeDeploymentOf().
  CREATE TABLE deployment_processes (
    process_id    TEXT NOT NULL,
    deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    PRIMARY KEY (process_id, deployment_id)
  ) WITHOUT ROWID;

  CREATE TABLE instances (
    id            TEXT PRIMARY KEY,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    process_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    state         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  );
  CREATE INDEX instances_by_time ON instances (created_at, id);
  CREATE INDEX instances_by_process ON instances (process_id, created_at, id);
  CREATE INDEX instances_by_process_status ON instances (process_id, status, created_at, id);
  CREATE INDEX instances_by_status ON instances (status, created_at, id);

  -- Message and signal subscriptions of running instances, derived from their state.
  CREATE TABLE subscriptions (
    instance_id     TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    correlation_key TEXT,
    PRIMARY KEY (instance_id, subscription_id)
  ) WITHOUT ROWID;
  CREATE INDEX subscriptions_by_name ON subscriptions (kind, name, instance_id);

  -- Rows below reference their instance; the check waits for the commit, so
  -- a step may write them in any order within its transaction. Each has an
  -- index on instance_id: SQLite checks these keys with it.
  CREATE TABLE history (
    seq         INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    at          INTEGER NOT NULL,
    type        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    data        TEXT NOT NULL
  );
  CREATE INDEX history_by_instance ON history (instance_id, seq);

  CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    type        TEXT NOT NULL,
    command     TEXT NOT NULL,
    applied     INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_pending ON outbox (id) WHERE applied = 0;
  CREATE INDEX outbox_by_instance ON outbox (instance_id);

  CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    element_id  TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    started_at  INTEGER,
    ended_at    INTEGER,
    message     TEXT,
    last_log_at TEXT,
    command     TEXT
  );
  CREATE INDEX jobs_by_instance ON jobs (instance_id);
  CREATE INDEX jobs_by_state ON jobs (state);

  CREATE TABLE timers (
    id          TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    due_at      INTEGER NOT NULL,
    element_id  TEXT NOT NULL
  );
  CREATE INDEX timers_by_due ON timers (due_at, id);
  CREATE INDEX timers_by_instance ON timers (instance_id);

  CREATE TABLE user_tasks (
    id           TEXT PRIMARY KEY,
    instance_id  TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    process_id   TEXT NOT NULL,
    element_id   TEXT NOT NULL,
    name         TEXT,
    state        TEXT NOT NULL,
    extensions   TEXT NOT NULL,
    variables    TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    completed_at INTEGER,
    completed_by TEXT
  );
  CREATE INDEX user_tasks_by_state ON user_tasks (state, created_at, id);
  CREATE INDEX user_tasks_by_instance ON user_tasks (instance_id, created_at, id);

  CREATE TABLE idempotency_keys (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  `,
  // 2: GitOps: schedules and their fires, reconciled revisions, the current revision.
  `
  CREATE TABLE schedules (
    id              TEXT PRIMARY KEY,
    state           TEXT NOT NULL,
    definition      TEXT NOT NULL,
    deployment_id   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    since           INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    handled_through INTEGER NOT NULL,
    last_fire_at    INTEGER,
    revision        TEXT
  );
  CREATE INDEX schedules_by_state ON schedules (state, id);

  -- One row per decided fire; the key is what deduplicates a fire.
  CREATE TABLE schedule_fires (
    schedule_id TEXT NOT NULL,
    fire_at     INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    decided_at  INTEGER NOT NULL,
    instance_id TEXT,
    reason      TEXT,
    open        INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, fire_at)
  ) WITHOUT ROWID;
  CREATE INDEX schedule_fires_open ON schedule_fires (schedule_id, fire_at) WHERE open = 1;
  CREATE INDEX schedule_fires_by_outcome ON schedule_fires (schedule_id, outcome, fire_at);

  CREATE TABLE revisions (
    revision      TEXT PRIMARY KEY,
    reconciled_at INTEGER NOT NULL,
    body          TEXT NOT NULL
  );
  CREATE INDEX revisions_by_time ON revisions (reconciled_at);

  CREATE TABLE sync_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  TEXT NOT NULL,
    synced_at INTEGER NOT NULL
  );
  `,
  // 3: approvals: resolved assignments, emailed links (token hashes only), quorum votes, GitHub threads.
  `
  CREATE TABLE task_assignments (
    task_id     TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    assignment  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  CREATE INDEX task_assignments_by_instance ON task_assignments (instance_id);

  CREATE TABLE approval_links (
    token_hash  TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    person      TEXT NOT NULL,
    email       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    used_at     INTEGER
  );
  CREATE INDEX approval_links_by_task ON approval_links (task_id, created_at);
  CREATE INDEX approval_links_by_instance ON approval_links (instance_id);

  CREATE TABLE approval_votes (
    task_id     TEXT NOT NULL,
    instance_id TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    voter       TEXT NOT NULL,
    actor       TEXT NOT NULL,
    decision    TEXT NOT NULL,
    comment     TEXT,
    at          INTEGER NOT NULL,
    PRIMARY KEY (task_id, voter)
  );
  CREATE INDEX approval_votes_by_instance ON approval_votes (instance_id);

  CREATE TABLE github_threads (
    task_id       TEXT PRIMARY KEY,
    instance_id   TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    repo          TEXT NOT NULL,
    issue_number  INTEGER NOT NULL,
    created_issue INTEGER NOT NULL,
    bot_login     TEXT,
    own_comments  TEXT NOT NULL,
    opened_at     INTEGER NOT NULL,
    state         TEXT NOT NULL
  );
  CREATE INDEX github_threads_by_issue ON github_threads (repo, issue_number);
  CREATE INDEX github_threads_by_state ON github_threads (state, opened_at);
  CREATE INDEX github_threads_by_instance ON github_threads (instance_id);
  `,
  // 4: the repository and --path the sync state was reconciled from (NULL: written before this was kept).
  `
  ALTER TABLE sync_state ADD COLUMN source TEXT;
  `,
  // 5: open incidents per running instance, kept with its state, so that counting them reads no state.
  `
  ALTER TABLE instances ADD COLUMN open_incidents INTEGER NOT NULL DEFAULT 0;
  UPDATE instances SET open_incidents = (SELECT count(*) FROM json_each(instances.state, '$.incidents')) WHERE status = 'running';
  CREATE INDEX instances_with_incidents ON instances (status) WHERE open_incidents > 0;
  `,
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Connection): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the file to SCHEMA_VERSION, each migration in its own transaction
 * with the version bump, so a crash leaves the file at a whole version. The
 * write lock is taken before the version is read: two processes opening the
 * same file migrate it once.
 */
export function migrate(db: Connection): void {
  const refuseNewer = (version: number) => {
    if (version > SCHEMA_VERSION) {
      throw new PipelaneError(
        'STORE_FAILED',
        `${db.name} has schema version ${version}, but this Pipelane supports versions up to ${SCHEMA_VERSION}: ` +
          'it was written by a newer Pipelane. Upgrade Pipelane to open it.',
        { file: db.name },
      );
    }
  };
  refuseNewer(schemaVersion(db));
  const step = db.transaction(() => {
    const version = schemaVersion(db);
    refuseNewer(version);
    if (version === SCHEMA_VERSION) return false;
    db.exec(MIGRATIONS[version] as string);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction, until the file is current
  }
}
