/** The Markdown the GitHub channel writes: the task thread, replies and the outcome. */
import type { PeopleDirectory } from '../config/people.js';
import type { VoteRecord } from '../ports/approval-store.js';
import type { Assignment } from './assignment.js';
import { candidatesOf } from './assignment.js';
import { commandHelp } from './github-commands.js';
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

export function threadBody(view: TaskView, directory: PeopleDirectory): string {
  const who = mentions(view.assignment, directory);
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
    `Reply with ${commandHelp(view.form.approval, view.form.fields.map((f) => f.id))}.`,
    'Only candidates count; edited comments and bots do not.',
  ].join('\n');
}

export function outcomeBody(taskId: string, outcome: TaskOutcome, votes: VoteRecord[]): string {
  const approvers = votes.filter((v) => v.decision === 'approve').map((v) => describeVoter(v.actor));
  let line: string;
  if (outcome.verb === 'approved' && approvers.length > 1) line = `✅ Approved by ${approvers.join(', ')}.`;
  else if (outcome.verb === 'approved') line = `✅ Approved by ${describeVoter(outcome.actor ?? 'someone')}.`;
  else if (outcome.verb === 'rejected') line = `❌ Rejected by ${describeVoter(outcome.actor ?? 'someone')}${outcome.comment ? `: ${outcome.comment}` : '.'}`;
  else if (outcome.verb === 'cancelled') line = `⏱ This task was ${describeOutcome(outcome)}; commands here no longer count.`;
  else line = `☑️ Completed by ${describeVoter(outcome.actor ?? 'someone')}.`;
  return `${marker(taskId)}\n${line}`;
}

/** `github:ada-l` → `@ada-l`; `email:ada` → `ada (email)`. */
export function describeVoter(actor: string): string {
  return actor.startsWith('github:') ? `@${actor.slice('github:'.length)}` : describeActor(actor);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
