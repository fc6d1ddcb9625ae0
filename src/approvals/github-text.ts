/** The Markdown the GitHub channel writes: the task thread, replies and the outcome. */
import type { PeopleDirectory } from '../config/people.js';
import type { VoteRecord } from '../ports/approval-store.js';
import type { UserTaskRecord } from '../ports/store.js';
import type { Assignment } from './assignment.js';
import { candidatesOf } from './assignment.js';
import { commandHelp, taskRef } from './github-commands.js';
import { describeActor, describeOutcome, type TaskOutcome } from './outcome.js';
import type { TaskView } from './task-view.js';

export function marker(taskId: string): string {
  return `<!-- pipelane:task:${taskId} -->`;
}

/** @-mentions of the candidates: GitHub logins and teams; people without a login by name. */
export function mentions(assignment: Assignment | undefined, directory: PeopleDirectory): string[] {
  if (!assignment) return [];
  const out = candidatesOf(assignment, directory).map((p) => (p.github ? `@${p.github}` : (p.name ?? p.key)));
  for (const key of assignment.candidateGroups) {
    const group = directory.groups[key];
    if (group?.github) out.push(`@${group.github}`);
    else if (group?.githubPermission) out.push(`people with ${group.githubPermission} access`);
  }
  return [...new Set(out)];
}

export function threadTitle(view: TaskView): string {
  return `${view.form.approval ? 'Approve' : 'Input needed'}: ${view.taskName} — ${view.processName}`;
}

/**
 * The task's request. On a thread the pipeline did not open (a given issue or
 * pull request) other tasks may ask too, so the commands name this one.
 */
export function threadBody(view: TaskView, directory: PeopleDirectory, shared: boolean): string {
  const who = mentions(view.assignment, directory);
  const ref = shared ? taskRef(view.task.id) : undefined;
  const context = view.context.length === 0 ? [] : ['| Context | |', '|---|---|', ...view.context.map((c) => `| ${cell(c.name)} | ${cell(c.value)} |`), ''];
  const quorum = view.settings.quorum > 1 ? [`${view.settings.quorum} approvals are needed; the first rejection decides.`] : [];
  return [
    marker(view.task.id),
    `### ${threadTitle(view)}`,
    '',
    `Process **${view.processName}** · instance \`${view.task.instanceId}\` · task \`${view.task.elementId}\``,
    ...(view.assignment?.dueAt !== undefined ? [`Due ${new Date(view.assignment.dueAt).toISOString()}`] : []),
    '',
    ...context,
    ...(view.attachments.length > 0 ? [`Files in the instance's workspace: ${view.attachments.join(', ')}`, ''] : []),
    who.length > 0 ? `Candidates: ${who.join(', ')}` : 'Anyone with write access to this repository may decide.',
    ...quorum,
    '',
    `Reply with ${commandHelp(view.form.approval, view.form.fields.map((f) => f.id), ref)}.`,
    ...(ref ? [`Other tasks may ask on this thread too: \`${ref}\` is this one's reference; with more than one waiting, a command without it is ignored.`] : []),
    'Only candidates count; edited comments and bots do not.',
  ].join('\n');
}

/** The outcome; `about` names the task on a thread shared with other tasks. */
export function outcomeBody(taskId: string, outcome: TaskOutcome, votes: VoteRecord[], about?: string): string {
  const approvers = votes.filter((v) => v.decision === 'approve').map((v) => describeVoter(v.actor));
  let line: string;
  if (outcome.verb === 'approved' && approvers.length > 1) line = `✅ Approved by ${approvers.join(', ')}.`;
  else if (outcome.verb === 'approved') line = `✅ Approved by ${describeVoter(outcome.actor ?? 'someone')}.`;
  else if (outcome.verb === 'rejected') line = `❌ Rejected by ${describeVoter(outcome.actor ?? 'someone')}${outcome.comment ? `: ${outcome.comment}` : '.'}`;
  else if (outcome.verb === 'cancelled') line = `⏱ This task was ${describeOutcome(outcome)}; commands here no longer count.`;
  else line = `☑️ Completed by ${describeVoter(outcome.actor ?? 'someone')}.`;
  return `${marker(taskId)}\n${about ? `${about}: ` : ''}${line}`;
}

/** A task on a thread shared with other tasks: its name and reference. */
export function aboutTask(task: Pick<UserTaskRecord, 'id' | 'name' | 'elementId'>): string {
  return `**${task.name ?? task.elementId}** (\`${taskRef(task.id)}\`)`;
}

/** One line per waiting task with the command that names it, for a reply to a command that named none (or a wrong one). */
export function waitingCommands(tasks: Pick<UserTaskRecord, 'id' | 'name' | 'elementId' | 'instanceId'>[], verb: 'approve' | 'reject' | 'submit'): string {
  return tasks.map((t) => `- ${aboutTask(t)}, instance \`${t.instanceId}\`: \`/${verb} ${taskRef(t.id)}${verb === 'approve' ? '' : ' …'}\``).join('\n');
}

/** `github:ada-l` → `@ada-l`; `email:ada` → `ada (email)`. */
export function describeVoter(actor: string): string {
  return actor.startsWith('github:') ? `@${actor.slice('github:'.length)}` : describeActor(actor);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
