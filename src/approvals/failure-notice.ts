/**
 * The failure notice: when an instance stops at an incident (or ends failed),
 * the people, groups or addresses of the sidecar's `notifications.onFailure`
 * get one mail with the error and the last lines of the failed task's log.
 */
import { findGroup, findPerson, type PeopleDirectory } from '../config/people.js';
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

/** Sends the notice once per failure; returns who got it (empty when it went out before or nobody is listed). */
export async function sendFailureNotice(deps: FailureNoticeDeps, directory: PeopleDirectory, names: readonly string[], failure: Failure, link: string | undefined, at: number): Promise<{ sent: string[]; unknown: string[] }> {
  const { emails, unknown } = recipients(directory, names);
  if (emails.length === 0) return { sent: [], unknown };
  if (!deps.store.claimOnce('failure-notice', `${failure.instanceId}:${failure.key}`, at)) return { sent: [], unknown };
  const instance = deps.store.getInstance(failure.instanceId);
  const deployment = instance && deps.store.getDeployment(instance.deploymentId);
  const processName = (instance && deployment?.model.processes[instance.processId]?.name) ?? instance?.processId ?? failure.instanceId;
  const logLines = await lastLogLines(deps, failure.instanceId, failure.elementId);
  for (const to of emails) {
    await deps.mailer.send(failureMail({
      to, processName, instanceId: failure.instanceId, error: failure.message, logLines,
      ...(failure.elementId ? { elementId: failure.elementId } : {}), ...(link ? { link } : {}),
    }));
  }
  return { sent: emails, unknown };
}
