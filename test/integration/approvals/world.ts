/**
 * An approvals world for the integration tests: a repository in a temp dir
 * (pipelane.yaml, models), SQLite in a data dir, the runtime, the real
 * Approvals service (SMTP mailer and/or octokit client as given), and the
 * real routes mounted on a node:http server on loopback.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SqliteApprovalStore } from '../../../src/adapters/sqlite/approval-store.js';
import { openConnection } from '../../../src/adapters/sqlite/connection.js';
import { SqliteStore } from '../../../src/adapters/sqlite/sqlite-store.js';
import { systemClock } from '../../../src/adapters/system-clock.js';
import { Approvals, type ApprovalsOptions } from '../../../src/approvals/service.js';
import { deployModelFile } from '../../../src/cli/open-runtime.js';
import { loadConfig } from '../../../src/config/config.js';
import { loadModelFile } from '../../../src/gitops/discover.js';
import { BearerAuth } from '../../../src/http/auth.js';
import { Router } from '../../../src/http/router.js';
import type { ContainerRunner, JobOutcome } from '../../../src/ports/container-runner.js';
import type { Clock } from '../../../src/ports/clock.js';
import { JobLogStore } from '../../../src/runtime/job-logs.js';
import { Runtime } from '../../../src/runtime/runtime.js';

export interface Scripted {
  outcome: JobOutcome;
  log?: string[];
  /** Files the "script" writes to the instance's workspace. */
  files?: Record<string, Buffer | string>;
  /** Symbolic links it makes there: name → target (a script may link anywhere). */
  links?: Record<string, string>;
}

/** Script tasks answer from a table by element id (the approval tests need no containers). */
export class ScriptedRunner implements ContainerRunner {
  constructor(readonly outcomes: Record<string, Scripted> = {}) {}
  async run(job: Parameters<ContainerRunner['run']>[0], onLog: Parameters<ContainerRunner['run']>[1]): Promise<JobOutcome> {
    const entry = this.outcomes[job.elementId] ?? { outcome: { kind: 'completed', output: {} } };
    for (const [name, content] of Object.entries(entry.files ?? {})) {
      mkdirSync(dirname(join(job.workspaceDir, name)), { recursive: true });
      writeFileSync(join(job.workspaceDir, name), content);
    }
    for (const [name, target] of Object.entries(entry.links ?? {})) {
      mkdirSync(dirname(join(job.workspaceDir, name)), { recursive: true });
      symlinkSync(target, join(job.workspaceDir, name));
    }
    for (const text of entry.log ?? []) onLog({ stream: 'stderr', at: new Date().toISOString(), text });
    return entry.outcome;
  }
  async reattach(): Promise<undefined> {
    return undefined;
  }
  async cancel(): Promise<void> {}
  async release(): Promise<void> {}
  async containers(): Promise<string[]> {
    return [];
  }
}

/** A clock the test can move forward (link expiry); timers fire on the real clock otherwise. */
export class TestClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  at(at: number, fn: () => void): () => void {
    return systemClock.at(at - this.offset, fn);
  }
}

export interface WorldOptions {
  env?: Record<string, string>;
  runner?: ContainerRunner;
  approvals?: Partial<Pick<ApprovalsOptions, 'mailer' | 'githubClient' | 'retryDelaysMs'>>;
  /** The folder of an earlier World, closed with keep: this one starts again on its files, as after a restart. */
  root?: string;
}

export class World {
  readonly root: string;
  readonly repoDir: string;
  readonly dataDir: string;
  readonly clock = new TestClock();
  runtime!: Runtime;
  service!: Approvals;
  url = '';
  private server: Server | undefined;
  private db: ReturnType<typeof openConnection> | undefined;
  private approvalStore: SqliteApprovalStore | undefined;

  constructor(private readonly options: WorldOptions = {}) {
    this.root = options.root ?? mkdtempSync(join(tmpdir(), 'pipelane-approvals-'));
    this.repoDir = join(this.root, 'repo');
    this.dataDir = join(this.root, 'data');
    mkdirSync(this.repoDir, { recursive: true });
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.repoDir, path)), { recursive: true });
    writeFileSync(join(this.repoDir, path), text);
    return this;
  }

  get store(): SqliteStore {
    return this.runtime.store as SqliteStore;
  }

  get approvals(): SqliteApprovalStore {
    return this.approvalStore!;
  }

  /** Starts the HTTP server first (its address is the public URL), then the runtime and approvals. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void router.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig({ dataDir: this.dataDir }, { PIPELANE_PUBLIC_URL: this.url, PIPELANE_GITHUB_POLL_SECONDS: '0', ...(this.options.env ?? {}) });
    this.db = openConnection(this.dataDir);
    const store = new SqliteStore(this.db);
    const approvals = new SqliteApprovalStore(this.db);
    this.approvalStore = approvals;
    const logs = new JobLogStore({ dir: join(this.dataDir, 'logs') });
    const workspacesDir = join(this.dataDir, 'workspaces');
    this.runtime = new Runtime({ store, runner: this.options.runner ?? new ScriptedRunner(), clock: this.clock, logs, workspacesDir, concurrency: 4, secrets: {} });
    this.service = new Approvals({ runtime: this.runtime, approvals, logs, workspacesDir, config, ...(this.options.approvals ?? {}) });
    const router = new Router({ auth: new BearerAuth([]), onError: (e) => console.error(e) }).add(...this.service.routes);
    await this.service.start();
    await this.service.recovered;
    return this;
  }

  async deploy(file: string): Promise<void> {
    const model = await loadModelFile(this.repoDir, file);
    if (!model.model) throw new Error(model.diagnostics.map((d) => `${d.rule} ${d.element}: ${d.message}`).join('\n'));
    deployModelFile(this.store, this.repoDir, model, Date.now());
  }

  /** Starts an instance and waits until the notifier has handled what it opened. */
  async startInstance(processId: string, variables: Record<string, unknown> = {}, actor = 'test'): Promise<string> {
    const id = this.runtime.start({ processId, variables, actor });
    await this.settle();
    return id;
  }

  /**
   * Waits until no job is queued or running and the notifier is idle, twice in
   * a row: on a loaded machine the scripted jobs do not finish within a fixed pause.
   */
  async settle(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 500 && quiet < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      await this.service.notifier.idle();
      const busy = this.store.listJobs({ state: 'queued' }).length + this.store.listJobs({ state: 'running' }).length > 0;
      quiet = busy ? 0 : quiet + 1;
    }
  }

  openTask(instanceId: string, elementId: string) {
    const task = this.store.listUserTasks({ instanceId, state: 'open' }).find((t) => t.elementId === elementId);
    if (!task) throw new Error(`no open task ${elementId} in ${instanceId}: ${JSON.stringify(this.store.listUserTasks({ instanceId }))}`);
    return task;
  }

  instance(id: string) {
    return this.store.getInstance(id)!;
  }

  history(id: string) {
    return this.store.listHistory(id);
  }

  async close(options: { keep?: boolean } = {}): Promise<void> {
    await this.service?.stop();
    this.runtime?.stop();
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await closed;
    this.db?.close();
    if (!options.keep) rmSync(this.root, { recursive: true, force: true });
  }
}

/** GET with an optional cookie; returns the status, the body and the cookie it set. */
export async function get(url: string, cookie?: string): Promise<{ status: number; body: string; cookie?: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const set = res.headers.get('set-cookie');
  return { status: res.status, body: await res.text(), ...(set ? { cookie: set.split(';')[0]! } : {}) };
}

/** POSTs a form as a browser does. */
export async function post(url: string, form: Record<string, string>, cookie?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/** The hidden CSRF field of a page. */
export function csrfIn(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF field in the page: ${html.slice(0, 300)}`);
  return m[1]!;
}
