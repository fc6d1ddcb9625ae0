/** The text of the mails approvals send: a task for a person (request, reminder, escalation) and a failure notice. */
import type { OutgoingMail } from '../ports/mailer.js';
import { escapeHtml } from './pages.js';
import type { TaskView } from './task-view.js';

export type TaskMailKind = 'request' | 'reminder' | 'escalation';

export interface TaskMail {
  view: TaskView;
  to: string;
  name: string;
  link: string;
  expiresAt: number;
  attached: string[];
  notes: string[];
  kind: TaskMailKind;
}

const PREFIX: Record<TaskMailKind, string> = { request: '', reminder: 'Reminder: ', escalation: 'Escalated to you: ' };

export function taskMail(m: TaskMail): Omit<OutgoingMail, 'attachments'> {
  const { view } = m;
  const what = view.form.approval ? 'Approve' : 'Input needed';
  const subject = `${PREFIX[m.kind]}${what}: ${view.taskName} — ${view.processName}`;
  const due = view.assignment?.dueAt !== undefined ? `Due: ${new Date(view.assignment.dueAt).toISOString()}` : undefined;
  const followUp = view.assignment?.followUpAt !== undefined ? `Follow up: ${new Date(view.assignment.followUpAt).toISOString()}` : undefined;
  const action = view.form.approval ? 'approve or reject' : 'fill in the form';
  const lead = m.kind === 'reminder' ? 'is still waiting for' : m.kind === 'escalation' ? 'was escalated to you and waits for' : 'waits for';
  const text = [
    `Hello ${m.name},`,
    '',
    `the process "${view.processName}" (instance ${view.task.instanceId}) ${lead} your ${view.form.approval ? 'decision' : 'input'}:`,
    '',
    `  ${view.taskName}`,
    '',
    ...[due, followUp].filter((l): l is string => l !== undefined),
    ...(view.context.length > 0 ? ['Context:', ...view.context.map((c) => `  ${c.name}: ${c.value}`), ''] : []),
    ...(m.attached.length > 0 ? [`Attached: ${m.attached.join(', ')}`] : []),
    ...m.notes.map((n) => `Note: ${n}`),
    '',
    `Open this link to ${action}. It shows the details first; nothing is decided until you press a button:`,
    m.link,
    '',
    `The link is yours alone, decides once, and works until ${new Date(m.expiresAt).toISOString()}.`,
  ].join('\n');
  const html = `<p>Hello ${escapeHtml(m.name)},</p>
<p>the process <b>${escapeHtml(view.processName)}</b> (instance ${escapeHtml(view.task.instanceId)}) ${lead} your ${view.form.approval ? 'decision' : 'input'}:</p>
<h2>${escapeHtml(view.taskName)}</h2>
${[due, followUp].filter(Boolean).map((l) => `<p>${escapeHtml(l!)}</p>`).join('')}
${view.context.length > 0 ? `<table>${view.context.map((c) => `<tr><th align="left">${escapeHtml(c.name)}</th><td>${escapeHtml(c.value)}</td></tr>`).join('')}</table>` : ''}
${m.attached.length > 0 ? `<p>Attached: ${m.attached.map(escapeHtml).join(', ')}</p>` : ''}
${m.notes.map((n) => `<p><i>Note: ${escapeHtml(n)}</i></p>`).join('')}
<p><a href="${escapeHtml(m.link)}">Open the task to ${action}</a> — it shows the details first; nothing is decided until you press a button.</p>
<p style="color:#57606a">The link is yours alone, decides once, and works until ${escapeHtml(new Date(m.expiresAt).toISOString())}.</p>`;
  return { to: m.to, subject, text, html };
}

export interface FailureMail {
  to: string;
  processName: string;
  instanceId: string;
  elementId?: string;
  error: string;
  logLines: string[];
  link?: string;
}

export function failureMail(m: FailureMail): OutgoingMail {
  const where = m.elementId ? ` at ${m.elementId}` : '';
  const subject = `Pipeline failed: ${m.processName}${where} (instance ${m.instanceId})`;
  const logs = m.logLines.length > 0 ? m.logLines : ['(the task wrote no log)'];
  const text = [
    `The process "${m.processName}" (instance ${m.instanceId}) stopped${where}:`,
    '',
    m.error,
    '',
    `Last log lines${m.elementId ? ` of ${m.elementId}` : ''}:`,
    ...logs.map((l) => `  ${l}`),
    '',
    ...(m.link ? [`Details: ${m.link}`] : []),
    'Fix the cause, then retry the incident (pipelane retry or the API).',
  ].join('\n');
  const html = `<p>The process <b>${escapeHtml(m.processName)}</b> (instance ${escapeHtml(m.instanceId)}) stopped${escapeHtml(where)}:</p>
<pre>${escapeHtml(m.error)}</pre><p>Last log lines${m.elementId ? ` of ${escapeHtml(m.elementId)}` : ''}:</p><pre>${escapeHtml(logs.join('\n'))}</pre>
${m.link ? `<p><a href="${escapeHtml(m.link)}">Details</a></p>` : ''}<p>Fix the cause, then retry the incident (pipelane retry or the API).</p>`;
  return { to: m.to, subject, text, html };
}
