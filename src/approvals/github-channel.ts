/**
 * The GitHub channel: a task opens an issue (or a comment on a given issue
 * or pull request); commands in new comments decide it; the outcome is
 * posted back and the issue closed. Comments arrive by webhook or by polling
 * and are handled one at a time, each once. A command counts only when its
 * author is a candidate (by login from the pinned pipelane.yaml, or by team
 * membership or repository permission asked of GitHub now), the comment is
 * new, not edited, not from a bot and not the pipeline's own.
 */
import type { PeopleDirectory } from '../config/people.js';
import { evaluateFeel } from '../engine/expression.js';
import { PipelaneError, toError } from '../errors.js';
import type { ApprovalStore, GitHubThreadRecord } from '../ports/approval-store.js';
import type { GitHubClient, IssueComment, RepositoryPermission } from '../ports/github.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { candidatesOf, isAssigned, type Assignment } from './assignment.js';
import { decide, type DecisionResult } from './decide.js';
import { parseCommand } from './github-commands.js';
import { describeVoter, mentions, outcomeBody, threadBody, threadTitle } from './github-text.js';
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

export type CommentOutcome = 'ignored' | 'counted' | 'completed' | 'refused';

const RANK: Record<RepositoryPermission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export class GitHubChannel {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly finishing = new Map<string, Promise<void>>();

  constructor(private readonly deps: GitHubChannelDeps) {}

  /** Opens the task's thread, unless it has one (after a restart). */
  async openThread(task: UserTaskRecord, directory: PeopleDirectory): Promise<void> {
    const { approvals, client, now } = this.deps;
    if (approvals.getThread(task.id)) return;
    const repo = directory.channels.github?.repo;
    if (!repo) throw new PipelaneError('CONFIG_INVALID', `the task ${task.elementId} uses the github channel, but ${directory.file ?? 'pipelane.yaml'} names no channels.github.repo.`);
    const view = taskView(this.deps.store, approvals, task);
    const target = issueTarget(view.settings.github?.issue, task.variables) ?? directory.channels.github?.issue;
    const body = threadBody(view, directory);
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
    await this.reply(thread, text);
  }

  /** Handles one comment; comments are handled one after another. */
  handleComment(event: CommentEvent): Promise<CommentOutcome> {
    const run = this.queue.then(() => this.handle(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Posts the outcome of a task that is no longer open and closes the issue the pipeline opened; once, however often it is asked. */
  finish(taskId: string): Promise<void> {
    const running = this.finishing.get(taskId);
    if (running) return running;
    const work = this.postOutcome(taskId).finally(() => this.finishing.delete(taskId));
    this.finishing.set(taskId, work);
    return work;
  }

  private async postOutcome(taskId: string): Promise<void> {
    const { store, approvals, client } = this.deps;
    const thread = approvals.getThread(taskId);
    const task = store.getUserTask(taskId);
    if (!thread || thread.state !== 'open' || !task || task.state === 'open') return;
    await this.reply(thread, outcomeBody(taskId, outcomeOf(store, task), approvals.listVotes(taskId)));
    if (thread.createdIssue) await client.closeIssue(thread.repo, thread.issueNumber);
    approvals.putThread({ ...(approvals.getThread(taskId) ?? thread), state: 'closed' });
  }

  /** The polling path: every open thread's new comments (all pages), and outcomes not posted yet. */
  async poll(): Promise<void> {
    for (const thread of this.deps.approvals.listThreads('open')) {
      const task = this.deps.store.getUserTask(thread.taskId);
      if (!task || task.state !== 'open') {
        await this.finish(thread.taskId);
        continue;
      }
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
    // The oldest waiting task of the issue; else the last one, so a late command is told who decided.
    const thread = threads.find((t) => t.state === 'open' && store.getUserTask(t.taskId)?.state === 'open') ?? threads.at(-1);
    if (!thread || event.edited) return 'ignored';
    if (comment.authorType === 'Bot' || comment.authorLogin.endsWith('[bot]')) return 'ignored';
    if (thread.ownComments.includes(comment.id) || comment.authorLogin === thread.botLogin) return 'ignored';
    // On an issue the pipeline did not open, only comments after its own count.
    if (!thread.createdIssue && thread.ownComments.length > 0 && comment.id < thread.ownComments[0]!) return 'ignored';
    const command = parseCommand(comment.body);
    if (!command) return 'ignored';
    if (!store.claimOnce('github-comment', `${event.repo}#${comment.id}`, this.deps.now())) return 'ignored';
    const task = store.getUserTask(thread.taskId);
    if (!task) return 'ignored';
    const login = comment.authorLogin;
    if (task.state !== 'open') return this.refuse(thread, task, login, `the task was already ${describeOutcome(outcomeOf(store, task))}; the command does not count.`);
    if (command.kind === 'invalid') return this.refuse(thread, task, login, command.message);
    try {
      const directory = await this.deps.directoryOf(task);
      const assignment = approvals.getAssignment(task.id)?.assignment ?? { candidateUsers: [], candidateGroups: [] };
      const voter = await this.voterOf(login, assignment, directory, thread.repo);
      if (!voter) return await this.refuse(thread, task, login, `@${login} is not a candidate for this task, so the command does not count.`);
      const settings = taskView(store, approvals, task).settings;
      const isSubjectAuthor = !settings.allowSelfApproval && !thread.createdIssue && command.kind === 'approve'
        && (event.issueAuthor ?? (await this.deps.client.getIssue(thread.repo, thread.issueNumber)).authorLogin).toLowerCase() === login.toLowerCase();
      const result = decide(
        { store, approvals, at: this.deps.now() },
        {
          taskId: task.id, by: { actor: `github:${login}`, voter, isSubjectAuthor }, kind: command.kind,
          ...(command.kind === 'submit' ? { values: command.values } : command.comment ? { comment: command.comment } : {}),
        },
      );
      this.deps.afterDecision(task.id, result);
      if (result.outcome === 'counted') {
        await this.reply(thread, `Approval from ${describeVoter(`github:${login}`)} recorded: ${result.approvals} of ${result.needed}.`);
        return 'counted';
      }
      await this.finish(task.id);
      return 'completed';
    } catch (error) {
      const e = toError(error);
      if (['CONFLICT', 'FORBIDDEN', 'BAD_REQUEST', 'FORM_INVALID'].includes(e.code)) return this.refuse(thread, task, login, e.message);
      if (e.code === 'GITHUB_FAILED') return this.refuse(thread, task, login, `the command of @${login} could not be checked (${e.message}); comment it again.`);
      throw e;
    }
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

/** The sidecar's `github.issue`: a number, or a FEEL expression over the task's variables (`=prNumber`). */
function issueTarget(setting: number | string | undefined, variables: Record<string, unknown>): number | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting === 'number') return setting;
  const value = /^\d+$/.test(setting.trim()) ? Number(setting) : evaluateFeel(setting, variables);
  const n = typeof value === 'number' ? value : value.ok ? Number(value.value) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new PipelaneError('SIDECAR_INVALID', `github.issue ${JSON.stringify(setting)} does not give an issue number.`);
  return n;
}
