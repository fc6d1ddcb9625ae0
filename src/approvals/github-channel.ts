/**
 * The GitHub channel: a task opens an issue (or a comment on a given issue
 * or pull request); commands in new comments decide it; the outcome is
 * posted back and the issue closed. Comments arrive by webhook or by polling
 * and are handled one at a time, each once. A command counts only when its
 * author is a candidate (by login from the pinned pipelane.yaml, or by team
 * membership or repository permission asked of GitHub now), the comment is
 * new, not edited, not from a bot and not the pipeline's own. Several tasks
 * may ask on one issue (`channels.github.issue`, a pull request): with more
 * than one waiting, a command must name its task (`/approve t-1a2b3c4d`), or
 * it is ignored and the author told so.
 */
import type { PeopleDirectory } from '../config/people.js';
import { evaluateFeel } from '../engine/expression.js';
import { PipelaneError, toError } from '../errors.js';
import type { ApprovalStore, GitHubThreadRecord } from '../ports/approval-store.js';
import type { GitHubClient, IssueComment, RepositoryPermission } from '../ports/github.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { candidatesOf, isAssigned, type Assignment } from './assignment.js';
import { decide, type DecisionResult } from './decide.js';
import { commandHelp, parseCommand, taskRef, type CommentCommand } from './github-commands.js';
import { aboutTask, describeVoter, mentions, outcomeBody, threadBody, threadTitle, waitingCommands } from './github-text.js';
import { describeOutcome, outcomeOf } from './outcome.js';
import { taskView } from './task-view.js';

export interface GitHubChannelDeps {
  store: Store;
  approvals: ApprovalStore;
  client: GitHubClient;
  now(): number;
  /** pipelane.yaml of the task's pinned deployment. */
  directoryOf(task: UserTaskRecord): Promise<PeopleDirectory>;
  afterDecision(taskId: string, result: DecisionResult): void;
}

export interface CommentEvent {
  repo: string;
  issueNumber: number;
  comment: IssueComment;
  edited: boolean;
  /** The issue's or pull request's author, when the event says (a webhook does). */
  issueAuthor?: string;
}

export type CommentOutcome = 'ignored' | 'counted' | 'completed' | 'refused' | 'ambiguous';

const RANK: Record<RepositoryPermission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export class GitHubChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly finishing = new Map<string, Promise<void>>();
  private readonly opening = new Map<string, Promise<void>>();

  constructor(private readonly deps: GitHubChannelDeps) {}

  /** Opens the task's thread, unless it has one (after a restart); once, however often it is asked (a retry meeting a recovery). */
  openThread(task: UserTaskRecord, directory: PeopleDirectory): Promise<void> {
    return once(this.opening, task.id, () => this.createThread(task, directory));
  }

  private async createThread(task: UserTaskRecord, directory: PeopleDirectory): Promise<void> {
    const { approvals, client, now } = this.deps;
    if (approvals.getThread(task.id)) return;
    const repo = directory.channels.github?.repo;
    if (!repo) throw new PipelaneError('CONFIG_INVALID', `the task ${task.elementId} uses the github channel, but ${directory.file ?? 'pipelane.yaml'} names no channels.github.repo.`);
    const view = taskView(this.deps.store, approvals, task);
    const target = issueTarget(view.settings.github?.issue, task.variables) ?? directory.channels.github?.issue;
    const body = threadBody(view, directory, target !== undefined);
    if (target !== undefined) {
      const comment = await client.createComment(repo, target, body);
      approvals.putThread({ taskId: task.id, instanceId: task.instanceId, repo, issueNumber: target, createdIssue: false, botLogin: comment.authorLogin, ownComments: [comment.id], openedAt: now(), state: 'open' });
    } else {
      const issue = await client.createIssue(repo, { title: threadTitle(view), body, labels: ['pipelane'] });
      approvals.putThread({ taskId: task.id, instanceId: task.instanceId, repo, issueNumber: issue.number, createdIssue: true, botLogin: issue.authorLogin, ownComments: [], openedAt: now(), state: 'open' });
    }
  }

  /** A reminder or an escalation, as a comment that mentions the candidates. */
  async remind(task: UserTaskRecord, directory: PeopleDirectory, kind: 'reminder' | 'escalation'): Promise<void> {
    const thread = this.deps.approvals.getThread(task.id);
    if (!thread || thread.state !== 'open') return;
    const who = mentions(this.deps.approvals.getAssignment(task.id)?.assignment, directory).join(', ') || 'candidates';
    const text = kind === 'reminder' ? `⏰ Reminder: ${who}, this task is still waiting for a decision.` : `⬆️ Escalated: the task now goes to ${who}.`;
    if (thread.createdIssue) return this.reply(thread, text);
    const { form } = taskView(this.deps.store, this.deps.approvals, task);
    await this.reply(thread, `${aboutTask(task)}: ${text} Reply with ${commandHelp(form.approval, form.fields.map((f) => f.id), taskRef(task.id))}.`);
  }

  /** Handles one comment; comments are handled one after another. */
  handleComment(event: CommentEvent): Promise<CommentOutcome> {
    const run = this.queue.then(() => this.handle(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Posts the outcome of a task that is no longer open and closes the issue the pipeline opened; once, however often it is asked. */
  finish(taskId: string): Promise<void> {
    return once(this.finishing, taskId, () => this.postOutcome(taskId));
  }

  private async postOutcome(taskId: string): Promise<void> {
    const { store, approvals, client, now } = this.deps;
    const thread = approvals.getThread(taskId);
    const task = store.getUserTask(taskId);
    if (!thread || thread.state !== 'open' || !task || task.state === 'open') return;
    if (!outcomePosted(store, task)) {
      await this.reply(thread, outcomeBody(taskId, outcomeOf(store, task), approvals.listVotes(taskId), thread.createdIssue ? undefined : aboutTask(task)));
      // Recorded before the issue is closed: when closing fails, the next poll closes it without posting the outcome again.
      store.appendHistory({ instanceId: task.instanceId, at: now(), type: 'taskNotified', actor: 'system', data: { taskId, channel: 'github', kind: 'outcome', issue: thread.issueNumber } });
    }
    if (thread.createdIssue) await client.closeIssue(thread.repo, thread.issueNumber);
    approvals.putThread({ ...(approvals.getThread(taskId) ?? thread), state: 'closed' });
  }

  /** The polling path: the new comments (all pages) of every issue with an open thread, once per issue, and outcomes not posted yet. */
  async poll(): Promise<void> {
    const issues = new Map<string, GitHubThreadRecord>();
    for (const thread of this.deps.approvals.listThreads('open')) {
      const task = this.deps.store.getUserTask(thread.taskId);
      if (!task || task.state !== 'open') await this.finish(thread.taskId);
      // Threads come oldest first: the first of an issue gives the earliest `since`.
      else if (!issues.has(`${thread.repo}#${thread.issueNumber}`)) issues.set(`${thread.repo}#${thread.issueNumber}`, thread);
    }
    for (const thread of issues.values()) {
      const since = new Date(thread.openedAt - 5 * 60_000).toISOString();
      const comments = await this.deps.client.listComments(thread.repo, thread.issueNumber, since);
      for (const comment of comments.sort((a, b) => a.id - b.id)) {
        await this.handleComment({ repo: thread.repo, issueNumber: thread.issueNumber, comment, edited: comment.updatedAt !== comment.createdAt });
      }
    }
  }

  private async handle(event: CommentEvent): Promise<CommentOutcome> {
    const { store, approvals } = this.deps;
    const { comment } = event;
    const threads = approvals.threadsOfIssue(event.repo, event.issueNumber);
    if (threads.length === 0 || event.edited) return 'ignored';
    if (comment.authorType === 'Bot' || comment.authorLogin.endsWith('[bot]')) return 'ignored';
    if (threads.some((t) => t.ownComments.includes(comment.id) || comment.authorLogin === t.botLogin)) return 'ignored';
    // On an issue the pipeline did not open, a comment speaks only to the tasks that asked before it.
    const heard = threads.filter((t) => t.createdIssue || t.ownComments.length === 0 || comment.id > t.ownComments[0]!);
    const command = parseCommand(comment.body);
    if (!command || heard.length === 0) return 'ignored';
    if (!store.claimOnce('github-comment', `${event.repo}#${comment.id}`, this.deps.now())) return 'ignored';
    const login = comment.authorLogin;
    const choice = this.choose(heard, command);
    if (choice.kind !== 'thread') {
      await this.reply(choice.replyOn, `@${login}: ${choice.message}`);
      return choice.kind === 'ambiguous' ? 'ambiguous' : 'refused';
    }
    const { thread } = choice;
    const task = store.getUserTask(thread.taskId);
    if (!task) return 'ignored';
    if (task.state !== 'open') return this.refuse(thread, task, login, `the task was already ${describeOutcome(outcomeOf(store, task))}; the command does not count.`);
    if (command.kind === 'invalid') return this.refuse(thread, task, login, command.message);
    let result: DecisionResult;
    try {
      result = await this.decideFor(event, thread, task, command, login);
    } catch (error) {
      const e = toError(error);
      if (['CONFLICT', 'FORBIDDEN', 'NOT_A_CANDIDATE', 'BAD_REQUEST', 'FORM_INVALID'].includes(e.code)) return this.refuse(thread, task, login, e.message);
      if (e.code === 'GITHUB_FAILED') return this.refuse(thread, task, login, `the command of @${login} could not be checked (${e.message}); comment it again.`);
      throw e;
    }
    // Decided: what follows only reports it, and a failure there must not tell the author to try again.
    this.deps.afterDecision(task.id, result);
    if (result.outcome === 'counted') {
      await this.reply(thread, `Approval from ${describeVoter(`github:${login}`)} recorded: ${result.approvals} of ${result.needed}.`);
      return 'counted';
    }
    // afterDecision posts the outcome as well and logs a failure; the next poll tries again.
    await this.finish(task.id).catch(() => undefined);
    return 'completed';
  }

  /** Checks the author at decision time and decides; throws NOT_A_CANDIDATE, FORBIDDEN, FORM_INVALID, … for the author to be told. */
  private async decideFor(event: CommentEvent, thread: GitHubThreadRecord, task: UserTaskRecord, command: Exclude<CommentCommand, { kind: 'invalid' }>, login: string): Promise<DecisionResult> {
    const { store, approvals } = this.deps;
    const directory = await this.deps.directoryOf(task);
    const assignment = approvals.getAssignment(task.id)?.assignment ?? { candidateUsers: [], candidateGroups: [] };
    const voter = await this.voterOf(login, assignment, directory, thread.repo);
    if (!voter) throw new PipelaneError('NOT_A_CANDIDATE', `@${login} is not a candidate for this task, so the command does not count.`);
    const settings = taskView(store, approvals, task).settings;
    const isSubjectAuthor = !settings.allowSelfApproval && !thread.createdIssue && command.kind === 'approve'
      && (event.issueAuthor ?? (await this.deps.client.getIssue(thread.repo, thread.issueNumber)).authorLogin).toLowerCase() === login.toLowerCase();
    return decide(
      { store, approvals, at: this.deps.now() },
      {
        taskId: task.id, by: { actor: `github:${login}`, voter, isSubjectAuthor }, kind: command.kind,
        ...(command.kind === 'submit' ? { values: command.values } : command.comment ? { comment: command.comment } : {}),
      },
    );
  }

  /**
   * The thread a command is for: the one its reference names; else the one
   * task waiting on the issue, or (none waiting) the last, so a late command
   * is told who decided. With several waiting and no reference the command is
   * ambiguous: ignored, and the author is told the commands to type.
   */
  private choose(heard: GitHubThreadRecord[], command: CommentCommand): { kind: 'thread'; thread: GitHubThreadRecord } | { kind: 'ambiguous' | 'refused'; replyOn: GitHubThreadRecord; message: string } {
    const { store } = this.deps;
    const waiting = heard.filter((t) => t.state === 'open' && store.getUserTask(t.taskId)?.state === 'open');
    const ref = command.kind === 'invalid' ? undefined : command.ref;
    if (ref !== undefined) {
      const named = heard.filter((t) => taskRef(t.taskId) === ref);
      const thread = named.find((t) => waiting.includes(t)) ?? named.at(-1);
      if (thread) return { kind: 'thread', thread };
      return { kind: 'refused', replyOn: heard.at(-1)!, message: `no task ${ref} asked on this thread, so the command was ignored.${this.namingHelp(waiting, command)}` };
    }
    if (waiting.length <= 1) return { kind: 'thread', thread: waiting[0] ?? heard.at(-1)! };
    if (command.kind === 'invalid') return { kind: 'refused', replyOn: waiting.at(-1)!, message: command.message };
    return { kind: 'ambiguous', replyOn: waiting.at(-1)!, message: `${waiting.length} tasks wait on this thread, so a command without a task reference was ignored.${this.namingHelp(waiting, command)}` };
  }

  private namingHelp(waiting: GitHubThreadRecord[], command: CommentCommand): string {
    const tasks = waiting.flatMap((t) => this.deps.store.getUserTask(t.taskId) ?? []);
    return tasks.length === 0 ? '' : ` Name the task you mean:\n${waitingCommands(tasks, command.kind === 'invalid' ? 'approve' : command.kind)}`;
  }

  /** Who the login votes as, if they may decide: a listed candidate, a member of a candidate team, or holder of the required permission. */
  private async voterOf(login: string, assignment: Assignment, directory: PeopleDirectory, repo: string): Promise<string | undefined> {
    const lower = login.toLowerCase();
    const person = Object.values(directory.people).find((p) => p.github?.toLowerCase() === lower);
    const as = person?.key ?? `@${login}`;
    if (candidatesOf(assignment, directory).some((p) => p.github?.toLowerCase() === lower)) return as;
    for (const key of assignment.candidateGroups) {
      const group = directory.groups[key];
      if (group?.github && (await this.deps.client.isTeamMember(group.github, login))) return as;
      if (group?.githubPermission && RANK[await this.deps.client.permissionOf(repo, login)] >= RANK[group.githubPermission]) return as;
    }
    if (!isAssigned(assignment) && RANK[await this.deps.client.permissionOf(repo, login)] >= RANK.write) return as;
    return undefined;
  }

  private async refuse(thread: GitHubThreadRecord, task: UserTaskRecord, login: string, message: string): Promise<CommentOutcome> {
    this.deps.store.appendHistory({ instanceId: task.instanceId, at: this.deps.now(), type: 'taskCompletionRefused', actor: `github:${login}`, data: { taskId: task.id, elementId: task.elementId, reason: message } });
    const current = this.deps.store.getUserTask(task.id);
    const text = current && current.state !== 'open' && !message.includes('already') ? `${message} The task was already ${describeOutcome(outcomeOf(this.deps.store, current))}.` : message;
    await this.reply(thread, `@${login}: ${text}`);
    return 'refused';
  }

  private async reply(thread: GitHubThreadRecord, body: string): Promise<void> {
    const comment = await this.deps.client.createComment(thread.repo, thread.issueNumber, body);
    const latest = this.deps.approvals.getThread(thread.taskId) ?? thread;
    this.deps.approvals.putThread({ ...latest, ownComments: [...latest.ownComments, comment.id], botLogin: latest.botLogin ?? comment.authorLogin });
  }
}

/** Work that runs once per key at a time: a second call gets the first one's promise. */
function once(running: Map<string, Promise<void>>, key: string, work: () => Promise<void>): Promise<void> {
  const current = running.get(key);
  if (current) return current;
  const started = work().finally(() => running.delete(key));
  running.set(key, started);
  return started;
}

function outcomePosted(store: Store, task: UserTaskRecord): boolean {
  return store.listHistory(task.instanceId).some((h) => h.type === 'taskNotified' && h.data['taskId'] === task.id && h.data['channel'] === 'github' && h.data['kind'] === 'outcome');
}

/** The sidecar's `github.issue`: a number, or a FEEL expression over the task's variables (`=prNumber`). */
function issueTarget(setting: number | string | undefined, variables: Record<string, unknown>): number | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting === 'number') return setting;
  const value = /^\d+$/.test(setting.trim()) ? Number(setting) : evaluateFeel(setting, variables);
  const n = typeof value === 'number' ? value : value.ok ? Number(value.value) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new PipelaneError('SIDECAR_INVALID', `github.issue ${JSON.stringify(setting)} does not give an issue number.`);
  return n;
}
