/**
 * What loading a model checks against pipelane.yaml: that the file governing
 * the model reads, and that static names (an assignee, candidates, the
 * failure notice's recipients) are people or groups of it. Expressions are
 * only known at run time; a name they give that nobody answers to is an
 * incident then.
 */
import { findGroup, findPerson, loadPeople, PEOPLE_FILE, type PeopleDirectory } from '../config/people.js';
import { toError } from '../errors.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { DeploymentModel } from '../model/process-model.js';
import type { Sidecar } from '../model/sidecar.js';

const ATTRIBUTES = ['assignee', 'candidateUsers', 'candidateGroups'] as const;

export async function peopleDiagnostics(repoDir: string, model: DeploymentModel, sidecar: Sidecar | undefined): Promise<Diagnostic[]> {
  const tasks = Object.values(model.processes).flatMap((p) => Object.values(p.nodes)).filter((n) => n.type === 'userTask');
  const onFailure = sidecar?.notifications.onFailure ?? [];
  if (tasks.length === 0 && onFailure.length === 0) return [];
  let directory: PeopleDirectory;
  try {
    directory = await loadPeople(repoDir, model.file);
  } catch (error) {
    const e = toError(error);
    return [{ severity: 'error', rule: 'pipelane/people', file: e.file ?? PEOPLE_FILE, message: e.message, fix: 'Correct pipelane.yaml: people have email and github, groups list people by key; see docs/approvals.md.' }];
  }
  const where = directory.file ?? `${PEOPLE_FILE} (there is none)`;
  const out: Diagnostic[] = [];
  for (const task of tasks) {
    for (const attribute of ATTRIBUTES) {
      const value = task.extensions[`camunda:${attribute}`] ?? task.extensions[`zeebe:${attribute}`];
      if (value === undefined || /^\s*([$#]\{|=)/.test(value)) continue;
      for (const name of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        const known = attribute === 'candidateGroups' ? findGroup(directory, name) : findPerson(directory, name);
        if (known) continue;
        // Without any pipelane.yaml the repository does not use people (tasks are completed by CLI or API): a warning.
        out.push({
          severity: directory.file ? 'error' : 'warning', rule: 'pipelane/people', file: model.file, element: task.id,
          message: `the ${attribute} "${name}" of user task ${task.id} is not a ${attribute === 'candidateGroups' ? 'group' : 'person'} of ${where}.`,
          fix: `Add "${name}" to ${attribute === 'candidateGroups' ? 'groups' : 'people'} in pipelane.yaml, or correct the name; the daemon raises an incident for a name nobody answers to.`,
        });
      }
    }
  }
  for (const name of onFailure) {
    if (findGroup(directory, name) || findPerson(directory, name) || /^[^@\s]+@[^@\s]+$/.test(name)) continue;
    out.push({ severity: 'error', rule: 'pipelane/people', file: sidecar!.file, message: `notifications.onFailure names "${name}", who is no person or group of ${where} and no email address.`, fix: `Add "${name}" to pipelane.yaml, or write an email address.` });
  }
  return out;
}
