/** GitOps over a real SQLite file and real git repositories, in-process (the daemon tests use a child process). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection, SqliteStore } from '../../../src/adapters/sqlite/index.js';
import { SqliteGitOpsStore } from '../../../src/adapters/sqlite/gitops-store.js';
import { systemClock } from '../../../src/adapters/system-clock.js';
import { GitOps, type GitOpsOptions } from '../../../src/gitops/gitops.js';
import type { Log } from '../../../src/ports/log.js';
import type { GitOpsStore } from '../../../src/ports/gitops-store.js';
import type { ScheduleStarter } from '../../../src/schedule/scheduler.js';

export interface LogLine {
  level: string;
  data: Record<string, unknown>;
  message: string;
}

export class GitOpsWorld {
  readonly dataDir: string;
  readonly store: SqliteStore;
  readonly gitops: SqliteGitOpsStore;
  readonly logs: LogLine[] = [];
  readonly log: Log = {
    info: (data, message) => this.logs.push({ level: 'info', data, message }),
    warn: (data, message) => this.logs.push({ level: 'warn', data, message }),
    error: (data, message) => this.logs.push({ level: 'error', data, message }),
  };
  ops: GitOps | undefined;

  /** A fresh data directory, or an existing one (a restart). */
  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'pipelane-gitops-'));
    const db = openConnection(this.dataDir);
    this.store = new SqliteStore(db);
    this.gitops = new SqliteGitOpsStore(db);
  }

  /** No instances are started by these tests' schedules unless a starter is given. */
  async open(options: Partial<GitOpsOptions> & Pick<GitOpsOptions, 'repo'>, gitopsStore: GitOpsStore = this.gitops): Promise<GitOps> {
    const starter: ScheduleStarter = { start: () => { throw new Error('no starts in this test'); } };
    this.ops = await GitOps.open({
      branch: 'main',
      path: '',
      worktree: false,
      pollMs: 600_000,
      dataDir: this.dataDir,
      access: { baseEnv: process.env },
      store: this.store,
      gitops: gitopsStore,
      clock: systemClock,
      starter,
      log: this.log,
      ...options,
    });
    return this.ops;
  }

  active(): { file: string; id: string; commit?: string; repoDir: string }[] {
    return this.store.listDeployments({ activeOnly: true }).map((d) => ({ file: d.file, id: d.id, ...(d.commit ? { commit: d.commit } : {}), repoDir: d.repoDir }));
  }

  schedules(): { id: string; state: string; deploymentId: string; trigger: unknown }[] {
    return this.gitops.listSchedules().map((s) => ({ id: s.id, state: s.state, deploymentId: s.deploymentId, trigger: s.trigger }));
  }

  async close(): Promise<void> {
    await this.ops?.stop();
    this.store.close();
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
