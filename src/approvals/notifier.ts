/**
 * Listens to the runtime and reaches people. When a user task opens, its
 * assignment is resolved against pipelane.yaml of the instance's pinned
 * deployment (a name nobody answers to, or a form that cannot be read, is
 * handed back to the engine as `taskFailed`: an incident naming the task and
 * the value), then every candidate is mailed a link of their own and/or a
 * GitHub thread is opened. A non-interrupting timer boundary event on the
 * task reminds or reassigns; a withdrawn or decided task gets its outcome
 * posted; an incident sends the failure notice. A mail the server refused
 * is tried again a few times; a GitHub thread that could not be opened, until
 * it is or the task closes. After a restart, `recover` finishes what was cut
 * short.
 */
import { loadPeople, findGroup, findPerson, type PeopleDirectory, type Person } from '../config/people.js';
import { toError } from '../errors.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { Mailer } from '../ports/mailer.js';
import type { UserTaskRecord } from '../ports/store.js';
import type { RuntimeActivity } from '../runtime/activity.js';
import type { JobLogStore } from '../runtime/job-logs.js';
import type { Runtime } from '../runtime/runtime.js';
import { candidatesOf, resolveAssignment, type Assignment } from './assignment.js';
import { labelOf } from './complete-task.js';
import { formOf, settingsOf, type DecisionResult } from './decide.js';
import { mailTask, revokeLinks, type MailReport } from './email-channel.js';
import { claimFailure, recipients, sendFailureNotice, type Failure } from './failure-notice.js';
import type { GitHubChannel } from './github-channel.js';
import type { TaskMailKind } from './mail-text.js';

export interface NotifierDeps {
  runtime: Runtime;
  approvals: ApprovalStore;
  logs: JobLogStore;
  workspacesDir: string;
  mailer?: Mailer;
  github?: GitHubChannel;
  /** PIPELANE_PUBLIC_URL, when set: it wins over pipelane.yaml's channels.publicUrl. */
  publicUrl?: string;
  /** Where links point when neither says: the daemon's own address (known once it listens). */
  fallbackUrl(): string;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** Waits before trying a refused mail or an unopened GitHub thread again (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [30_000, 120_000, 600_000];

/** Open tasks read per step of recovery. */
const RECOVER_PAGE = 500;

export class Notifier {
  private readonly busy = new Set<string>();
  private stopped = false;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: NotifierDeps) {}

  get store() {
    return this.deps.runtime.store;
  }

  /** Subscribes to the runtime; returns the unsubscribe function. */
  attach(): () => void {
    return this.deps.runtime.onActivity((activity) => this.observe(activity));
  }

  observe(a: RuntimeActivity): void {
    if (a.kind === 'userTaskOpened') this.track(this.taskOpened(a.taskId));
    else if (a.kind === 'userTaskClosed') this.track(this.deps.github?.finish(a.taskId));
    else if (a.kind === 'timerFired') this.track(this.timerFired(a.instanceId, a.elementId));
    else if (a.kind === 'incident') this.track(this.failed({ instanceId: a.instanceId, key: a.incidentId, elementId: a.elementId, message: a.message }));
    else if (a.kind === 'instanceEnded' && a.status === 'failed') this.track(this.failed({ instanceId: a.instanceId, key: 'ended', message: a.error ? `${a.error.code ? `${a.error.code}: ` : ''}${a.error.message}` : 'the instance failed' }));
  }

  /** After a decision through any channel of this process: the engine goes on, GitHub hears the outcome. */
  afterDecision(taskId: string, result: DecisionResult): void {
    this.deps.runtime.applyOutbox();
    if (result.outcome === 'completed') this.track(this.deps.github?.finish(taskId));
  }

  /** Resolves when everything started so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
  }

  /** Open tasks never assigned (the daemon stopped first) are assigned now; people whose mail never went out get one. */
  async recover(): Promise<void> {
    // Page by page, oldest first: 100,000 parked tasks are neither held at once nor walked in one turn.
    // Tasks that open from now on are the live path's (attach()): the walk stops short of them.
    const since = this.deps.runtime.now();
    let after: UserTaskRecord | undefined;
    for (;;) {
      const page = this.store.listUserTasks({ state: 'open', limit: RECOVER_PAGE, ...(after ? { after } : {}) });
      for (const task of page) {
        if (this.stopped || task.createdAt > since) return;
        if (this.busy.has(task.id)) continue;
        if (!this.deps.approvals.getAssignment(task.id)) await this.taskOpened(task.id);
        else await this.reachMissing(task);
      }
      if (page.length < RECOVER_PAGE) return;
      after = page[page.length - 1];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async taskOpened(taskId: string): Promise<void> {
    const task = this.store.getUserTask(taskId);
    if (!task || task.state !== 'open' || this.busy.has(taskId) || this.deps.approvals.getAssignment(taskId)) return;
    this.busy.add(taskId);
    try {
      let directory: PeopleDirectory;
      try {
        directory = await this.directoryOf(task);
        formOf(this.store, task);
      } catch (error) {
        return this.fail(task, `${labelOf(task)} cannot be handed to anyone: ${toError(error).message}`);
      }
      const resolved = resolveAssignment(task, task.extensions, task.variables, directory, task.createdAt);
      if (!resolved.ok) return this.fail(task, resolved.message);
      this.deps.approvals.putAssignment({ taskId, instanceId: task.instanceId, assignment: resolved.assignment, updatedAt: this.deps.runtime.now() });
      await this.reach(task, directory, candidatesOf(resolved.assignment, directory), 'request');
    } finally {
      this.busy.delete(taskId);
    }
  }

  async timerFired(instanceId: string, elementId: string): Promise<void> {
    const instance = this.store.getInstance(instanceId);
    if (!instance) return;
    const model = this.deps.runtime.deploymentOf(instance).model;
    const boundary = Object.values(model.processes).map((p) => p.nodes[elementId]).find((n) => n !== undefined);
    if (!boundary || boundary.type !== 'boundaryEvent' || boundary.cancelActivity || !boundary.attachedTo) return;
    const task = this.store.listUserTasks({ instanceId, state: 'open' }).find((t) => t.elementId === boundary.attachedTo);
    const assignment = task && this.deps.approvals.getAssignment(task.id)?.assignment;
    if (!task || !assignment) return;
    const directory = await this.directoryOf(task);
    const action = settingsOf(this.store, task).timers[elementId] ?? { action: 'remind' as const };
    if (action.action === 'remind') {
      await this.reach(task, directory, candidatesOf(assignment, directory), 'reminder');
      return;
    }
    const next: Assignment = { candidateUsers: [], candidateGroups: [], ...(assignment.dueAt !== undefined ? { dueAt: assignment.dueAt } : {}), ...(assignment.followUpAt !== undefined ? { followUpAt: assignment.followUpAt } : {}) };
    const unknown = action.to.filter((name) => {
      const group = findGroup(directory, name);
      const person = group ? undefined : findPerson(directory, name);
      if (group) next.candidateGroups.push(group.key);
      else if (person) next.candidateUsers.push(person.key);
      return !group && !person;
    });
    if (unknown.length > 0) return this.fail(task, `${labelOf(task)} cannot be reassigned by ${elementId}: ${unknown.map((n) => `"${n}"`).join(', ')} is no person or group of ${directory.file ?? 'pipelane.yaml'}.`);
    const at = this.deps.runtime.now();
    const people = candidatesOf(next, directory);
    this.store.transaction(() => {
      this.deps.approvals.putAssignment({ taskId: task.id, instanceId, assignment: next, updatedAt: at });
      revokeLinks(this.deps.approvals, task.id, new Set(people.map((p) => p.key)), at);
      this.store.appendHistory({ instanceId, at, type: 'taskReassigned', actor: 'timer', data: { taskId: task.id, elementId: task.elementId, by: elementId, to: action.to } });
    });
    await this.reach(task, directory, people, 'escalation');
  }

  /** The failure notice: claimed once per failure; addresses the server refused are tried again, as task mails are. */
  private async failed(failure: Failure, attempt = 0, only?: readonly string[]): Promise<void> {
    const { mailer } = this.deps;
    const instance = this.store.getInstance(failure.instanceId);
    const deployment = instance && this.store.getDeployment(instance.deploymentId);
    const names = deployment?.sidecar?.notifications.onFailure ?? [];
    if (!deployment || names.length === 0) return;
    if (!mailer) return this.note(failure.instanceId, 'email', 'the failure notice was not sent: no SMTP server is configured (PIPELANE_SMTP_URL).');
    try {
      const directory = await loadPeople(deployment.repoDir, deployment.file);
      const { emails, unknown } = recipients(directory, names);
      if (attempt === 0 && unknown.length > 0) this.note(failure.instanceId, 'email', `notifications.onFailure names ${unknown.join(', ')}, who are no people, groups or addresses of pipelane.yaml.`);
      if (emails.length === 0 || (attempt === 0 && !claimFailure(this.store, failure, this.deps.runtime.now()))) return;
      const link = `${this.publicUrl(directory)}/api/v1/instances/${encodeURIComponent(failure.instanceId)}`;
      const report = await sendFailureNotice({ store: this.store, mailer, logs: this.deps.logs }, only ?? emails, failure, link);
      if (report.sent.length > 0) this.store.appendHistory({ instanceId: failure.instanceId, at: this.deps.runtime.now(), type: 'failureNotified', actor: 'system', data: { to: report.sent } });
      if (report.failed.length === 0) return;
      this.note(failure.instanceId, 'email', `the failure notice could not be sent: ${report.failed.map((f) => f.message).join('; ')}`);
      const delay = this.delays[attempt];
      if (delay !== undefined) this.later(delay, () => this.track(this.failed(failure, attempt + 1, report.failed.map((f) => f.to))));
    } catch (error) {
      this.note(failure.instanceId, 'email', `the failure notice could not be sent: ${toError(error).message}`);
    }
  }

  /** People of the current assignment who have no link that went out (a restart cut the mailing short). */
  private async reachMissing(task: UserTaskRecord): Promise<void> {
    const assignment = this.deps.approvals.getAssignment(task.id)?.assignment;
    if (!assignment) return;
    const directory = await this.directoryOf(task);
    const sent = new Set(this.deps.approvals.listLinks(task.id).filter((l) => l.sentAt !== undefined).map((l) => l.person));
    const missing = candidatesOf(assignment, directory).filter((p) => p.email && !sent.has(p.key));
    const settings = settingsOf(this.store, task);
    // Without a mail server the task said so when it opened; a restart does not say it again.
    if (missing.length > 0 && settings.channels.includes('email') && this.deps.mailer) await this.mail(task, directory, missing, 'request');
    if (settings.channels.includes('github')) await this.github(task, directory, 'request');
  }

  private async reach(task: UserTaskRecord, directory: PeopleDirectory, people: Person[], kind: TaskMailKind): Promise<void> {
    const settings = settingsOf(this.store, task);
    if (settings.channels.includes('email')) await this.mail(task, directory, people, kind);
    if (settings.channels.includes('github')) await this.github(task, directory, kind);
  }

  private async mail(task: UserTaskRecord, directory: PeopleDirectory, people: Person[], kind: TaskMailKind, attempt = 0): Promise<void> {
    const { mailer } = this.deps;
    if (people.length === 0) return;
    if (!mailer) return this.note(task.instanceId, 'email', `${labelOf(task)} was not mailed: no SMTP server is configured (PIPELANE_SMTP_URL).`);
    let report: MailReport;
    try {
      report = await mailTask({ store: this.store, approvals: this.deps.approvals, mailer, workspacesDir: this.deps.workspacesDir, now: () => this.deps.runtime.now() }, task, people, this.publicUrl(directory), kind, directory.channels.email?.from);
    } catch (error) {
      return this.note(task.instanceId, 'email', `${labelOf(task)} was not mailed: ${toError(error).message}`);
    }
    const at = this.deps.runtime.now();
    if (report.sent.length > 0) this.store.appendHistory({ instanceId: task.instanceId, at, type: 'taskNotified', actor: 'system', data: { taskId: task.id, channel: 'email', kind, to: report.sent } });
    if (report.skipped.length > 0) this.note(task.instanceId, 'email', `${report.skipped.join(', ')} of ${labelOf(task)} have no email address in pipelane.yaml.`);
    if (report.failed.length === 0) return;
    this.note(task.instanceId, 'email', report.failed.map((f) => f.message).join('; '));
    const delay = this.delays[attempt];
    if (delay === undefined) return;
    const again = people.filter((p) => report.failed.some((f) => f.person === p.key));
    this.later(delay, () => {
      const current = this.store.getUserTask(task.id);
      if (current?.state === 'open') this.track(this.mail(current, directory, again, kind, attempt + 1));
    });
  }

  private async github(task: UserTaskRecord, directory: PeopleDirectory, kind: TaskMailKind, attempt = 0): Promise<void> {
    const { github } = this.deps;
    if (!github) return this.note(task.instanceId, 'github', `${labelOf(task)} was not posted: no GitHub token is configured (PIPELANE_GITHUB_TOKEN).`);
    try {
      if (kind === 'request') await github.openThread(task, directory);
      else await github.remind(task, directory, kind);
    } catch (error) {
      const e = toError(error);
      // Without its thread nobody on GitHub hears of the task: it is tried again (at the longest delay once the others are used) while the task is open.
      const again = kind === 'request' && e.retryable;
      const message = `${labelOf(task)} was not posted to GitHub: ${e.message}${again ? ' It is tried again while the task is open.' : ''}`;
      if (attempt === 0) this.note(task.instanceId, 'github', message);
      else this.deps.log?.('warn', message, { instance: task.instanceId, attempt });
      if (!again) return;
      this.later(this.delays[Math.min(attempt, this.delays.length - 1)]!, () => {
        const current = this.store.getUserTask(task.id);
        if (current?.state === 'open') this.track(this.github(current, directory, 'request', attempt + 1));
      });
    }
  }

  private get delays(): readonly number[] {
    return this.deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  }

  /** Runs `fn` after `delay` unless stopped first; a pending retry does not keep the process alive. */
  private later(delay: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      fn();
    }, delay);
    timer.unref();
    this.retries.add(timer);
  }

  private fail(task: UserTaskRecord, message: string): void {
    this.deps.log?.('warn', message, { instance: task.instanceId, task: task.id });
    this.deps.runtime.send(task.instanceId, { type: 'taskFailed', at: this.deps.runtime.now(), taskId: task.id, message }, 'system');
  }

  private note(instanceId: string, channel: string, message: string): void {
    this.deps.log?.('warn', message, { instance: instanceId, channel });
    if (this.store.getInstance(instanceId)) this.store.appendHistory({ instanceId, at: this.deps.runtime.now(), type: 'notificationFailed', actor: 'system', data: { channel, message } });
  }

  private directoryOf(task: UserTaskRecord): Promise<PeopleDirectory> {
    const instance = this.store.getInstance(task.instanceId);
    if (!instance) throw new Error(`instance ${task.instanceId} is gone`);
    const deployment = this.deps.runtime.deploymentOf(instance);
    return loadPeople(deployment.repoDir, deployment.file);
  }

  private publicUrl(directory: PeopleDirectory): string {
    return (this.deps.publicUrl ?? directory.channels.publicUrl ?? this.deps.fallbackUrl()).replace(/\/+$/, '');
  }

  private track(work: Promise<unknown> | undefined): void {
    if (!work) return;
    const p = work.catch((error: unknown) => this.deps.log?.('error', `approvals: ${toError(error).message}`, {}));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
