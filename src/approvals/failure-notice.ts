/**
 * The failure notice: when an instance stops at an incident (or ends failed),
 * the people, groups or addresses of the sidecar's `notifications.onFailure`
 * get one mail with the error and the last lines of the failed task's log.
 * The failure is claimed once; an address the SMTP server refused is tried
 * again by the notifier, as task mails are.
 */
import { findGroup, findPerson, type PeopleDirectory } from '../config/people.js';
import { toError } from '../errors.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { JobLogStore } from '../runtime/job-logs.js';
import { failureMail } from './mail-text.js';

export const LOG_LINES = 30;

export interface FailureNoticeDeps {
  store: Store;
  mailer: Mailer;
  logs: JobLogStore;
}

export interface Failure {
  instanceId: string;
  /** The incident's id, or `ended` for an instance that ended failed: a notice goes out once per key. */
  key: string;
  elementId?: string;
  message: string;
}

/** Email addresses for names of pipelane.yaml (people, groups) or addresses; unknown names are returned apart. */
export function recipients(directory: PeopleDirectory, names: readonly string[]): { emails: string[]; unknown: string[] } {
  const emails = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    const group = findGroup(directory, name);
    const person = group ? undefined : findPerson(directory, name);
    if (group) {
      if (group.email) emails.add(group.email);
      for (const m of group.members) if (directory.people[m]?.email) emails.add(directory.people[m]!.email!);
    } else if (person?.email) emails.add(person.email);
    else if (/^[^@\s]+@[^@\s]+$/.test(name)) emails.add(name);
    else unknown.push(name);
  }
  return { emails: [...emails], unknown };
}

/** The last log lines of the newest job of the element in the instance. */
export async function lastLogLines(deps: Pick<FailureNoticeDeps, 'store' | 'logs'>, instanceId: string, elementId: string | undefined): Promise<string[]> {
  const jobs = deps.store.listJobs({ instanceId }).filter((j) => elementId === undefined || j.elementId === elementId);
  const job = jobs.sort((a, b) => (b.endedAt ?? b.startedAt ?? 0) - (a.endedAt ?? a.startedAt ?? 0))[0];
  if (!job) return [];
  const entries = await deps.logs.read(job.id);
  return entries.slice(-LOG_LINES).map((e) => `${e.stream === 'stderr' ? '! ' : ''}${e.text}`);
}

/** True the first time a failure is seen: one notice per incident, however often the runtime reports it. */
export function claimFailure(store: Store, failure: Failure, at: number): boolean {
  return store.claimOnce('failure-notice', `${failure.instanceId}:${failure.key}`, at);
}

export interface NoticeReport {
  sent: string[];
  failed: { to: string; message: string }[];
}

/** Mails the notice to each address; an address the server refused is reported, so it can be tried again. */
export async function sendFailureNotice(deps: FailureNoticeDeps, emails: readonly string[], failure: Failure, link: string | undefined): Promise<NoticeReport> {
  const report: NoticeReport = { sent: [], failed: [] };
  const instance = deps.store.getInstance(failure.instanceId);
  const deployment = instance && deps.store.getDeployment(instance.deploymentId);
  const processName = (instance && deployment?.model.processes[instance.processId]?.name) ?? instance?.processId ?? failure.instanceId;
  const logLines = await lastLogLines(deps, failure.instanceId, failure.elementId);
  for (const to of emails) {
    try {
      await deps.mailer.send(failureMail({
        to, processName, instanceId: failure.instanceId, error: failure.message, logLines,
        ...(failure.elementId ? { elementId: failure.elementId } : {}), ...(link ? { link } : {}),
      }));
      report.sent.push(to);
    } catch (error) {
      report.failed.push({ to, message: toError(error).message });
    }
  }
  return report;
}
