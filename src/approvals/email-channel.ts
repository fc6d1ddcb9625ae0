/**
 * The email channel: one mail per person with a link of their own. The link
 * is stored (as a hash) before the mail goes out and marked sent after, so a
 * restart in between sends a fresh link rather than none.
 */
import type { Person } from '../config/people.js';
import { toError } from '../errors.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store, UserTaskRecord } from '../ports/store.js';
import { taskMail, type TaskMailKind } from './mail-text.js';
import { taskView } from './task-view.js';
import { readAttachments } from './workspace-files.js';
import { hashToken, newLinkToken } from './tokens.js';

export interface EmailChannelDeps {
  store: Store;
  approvals: ApprovalStore;
  mailer: Mailer;
  workspacesDir: string;
  now(): number;
}

export interface MailReport {
  sent: string[];
  skipped: string[];
  failed: { person: string; message: string }[];
}

/** Mails the task to each person (those without an email address are reported as skipped). */
export async function mailTask(deps: EmailChannelDeps, task: UserTaskRecord, people: Person[], publicUrl: string, kind: TaskMailKind, from?: string): Promise<MailReport> {
  const report: MailReport = { sent: [], skipped: [], failed: [] };
  const view = taskView(deps.store, deps.approvals, task);
  const attachments = await readAttachments(deps.workspacesDir, task.instanceId, view.settings.attachments, view.settings.maxAttachmentSize);
  for (const person of people) {
    if (!person.email) {
      report.skipped.push(person.key);
      continue;
    }
    const token = newLinkToken();
    const tokenHash = hashToken(token);
    const createdAt = deps.now();
    const expiresAt = createdAt + view.settings.linkTtl;
    deps.approvals.putLink({ tokenHash, taskId: task.id, instanceId: task.instanceId, person: person.key, email: person.email, createdAt, expiresAt });
    const mail = taskMail({
      view, to: person.email, name: person.name ?? person.key, link: `${publicUrl.replace(/\/+$/, '')}/approvals/${token}`, expiresAt,
      attached: attachments.files.map((f) => f.filename), notes: attachments.notes, kind,
    });
    try {
      await deps.mailer.send({ ...mail, ...(from ? { from } : {}), attachments: attachments.files });
      deps.approvals.markLinkSent(tokenHash, deps.now());
      report.sent.push(person.key);
    } catch (error) {
      // The link was never delivered: it must not work.
      deps.approvals.putLink({ tokenHash, taskId: task.id, instanceId: task.instanceId, person: person.key, email: person.email, createdAt, expiresAt: createdAt });
      report.failed.push({ person: person.key, message: toError(error).message });
    }
  }
  return report;
}

/** Ends every link of the task that is not for one of `keep` (a reassignment): they stop working now. */
export function revokeLinks(approvals: ApprovalStore, taskId: string, keep: ReadonlySet<string>, at: number): void {
  for (const link of approvals.listLinks(taskId)) {
    if (!keep.has(link.person) && link.expiresAt > at) approvals.putLink({ ...link, expiresAt: at });
  }
}

/** People whose mail never went out (the daemon stopped in between): they get a fresh link. */
export function unsentPeople(approvals: ApprovalStore, taskId: string): string[] {
  const links = approvals.listLinks(taskId);
  const sent = new Set(links.filter((l) => l.sentAt !== undefined).map((l) => l.person));
  return [...new Set(links.filter((l) => l.sentAt === undefined).map((l) => l.person))].filter((p) => !sent.has(p));
}
