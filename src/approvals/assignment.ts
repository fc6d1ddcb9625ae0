/**
 * Who a user task goes to, and by when: `camunda:assignee`,
 * `camunda:candidateUsers`, `camunda:candidateGroups`, `camunda:dueDate`,
 * `camunda:followUpDate` (or Zeebe's assignment definition and task
 * schedule), each static text or an expression over the task's variables
 * (`${owner}` as Camunda 7 writes it, or `=owner` as Camunda 8 does; both are
 * evaluated as FEEL). Names are matched against pipelane.yaml of the
 * instance's pinned commit; a name nobody answers to, or an attribute that
 * gives no name at all (`${owner}` with owner unset), is an error naming the
 * task and the value, never a task that goes to nobody.
 */
import { evaluateFeel } from '../engine/expression.js';
import { findGroup, findPerson, type PeopleDirectory, type Person } from '../config/people.js';
import { addDuration, parseDateTime, parseDuration } from '../schedule/iso8601.js';

export interface Assignment {
  /** Person keys. */
  assignee?: string;
  candidateUsers: string[];
  /** Group keys. */
  candidateGroups: string[];
  dueAt?: number;
  followUpAt?: number;
}

export type AssignmentResult = { ok: true; assignment: Assignment } | { ok: false; message: string };

interface TaskRef {
  elementId: string;
  name?: string;
}

/** Reads and checks the assignment of a task that opened at `openedAt`. */
export function resolveAssignment(
  task: TaskRef,
  extensions: Record<string, string>,
  variables: Record<string, unknown>,
  directory: PeopleDirectory,
  openedAt: number,
): AssignmentResult {
  const label = task.name ? `user task "${task.name}" (${task.elementId})` : `user task ${task.elementId}`;
  const attribute = (name: string) => extensions[`camunda:${name}`] ?? extensions[`zeebe:${name}`];
  const problems: string[] = [];
  const names = (name: string): string[] => {
    const source = attribute(name);
    // A blank attribute is no attribute (the loader drops Camunda's empty ones too).
    if (source === undefined || source.trim() === '') return [];
    const value = evaluate(source, variables);
    if (!value.ok) {
      problems.push(`its ${name} ${JSON.stringify(source)} cannot be evaluated: ${value.message}`);
      return [];
    }
    const list = toNames(value.value);
    if (list === undefined) problems.push(`its ${name} ${JSON.stringify(source)} gives ${shown(value.value)}, not a name or a list of names`);
    // Dropping it would hand the task to fewer people than the model says, or to nobody.
    else if (list.length === 0) problems.push(`its ${name} ${JSON.stringify(source)} gives ${shown(value.value)}, no name; set the variable, or leave the attribute out`);
    return list ?? [];
  };
  const source = (name: string, value: string) => {
    const expression = attribute(name);
    return expression !== undefined && expression.trim() !== value ? ` (from ${expression})` : '';
  };

  const assignment: Assignment = { candidateUsers: [], candidateGroups: [] };
  const [assignee, ...more] = names('assignee');
  if (more.length > 0) problems.push(`its assignee gives ${more.length + 1} names; one person is assigned, list the others as candidateUsers`);
  if (assignee !== undefined) {
    const person = findPerson(directory, assignee);
    if (person) assignment.assignee = person.key;
    else problems.push(`the assignee "${assignee}"${source('assignee', assignee)} is not a person of ${directory.file ?? 'pipelane.yaml (the repository has none)'}`);
  }
  for (const name of names('candidateUsers')) {
    const person = findPerson(directory, name);
    if (person) pushOnce(assignment.candidateUsers, person.key);
    else problems.push(`the candidate user "${name}"${source('candidateUsers', name)} is not a person of ${directory.file ?? 'pipelane.yaml (the repository has none)'}`);
  }
  for (const name of names('candidateGroups')) {
    const group = findGroup(directory, name);
    if (group) pushOnce(assignment.candidateGroups, group.key);
    else problems.push(`the candidate group "${name}"${source('candidateGroups', name)} is not a group of ${directory.file ?? 'pipelane.yaml (the repository has none)'}`);
  }
  for (const [name, key] of [['dueDate', 'dueAt'], ['followUpDate', 'followUpAt']] as const) {
    const expression = attribute(name);
    if (expression === undefined) continue;
    const at = dateOf(expression, variables, openedAt);
    if (at.ok) assignment[key] = at.value;
    else problems.push(`its ${name} ${JSON.stringify(expression)} ${at.message}`);
  }
  if (problems.length > 0) return { ok: false, message: `${label} cannot be assigned: ${problems.join('; ')}.` };
  return { ok: true, assignment };
}

/** Everyone who may decide: the assignee, the candidate users and the members of the candidate groups. */
export function candidatesOf(assignment: Assignment, directory: PeopleDirectory): Person[] {
  const keys: string[] = [];
  if (assignment.assignee) keys.push(assignment.assignee);
  for (const k of assignment.candidateUsers) pushOnce(keys, k);
  for (const g of assignment.candidateGroups) for (const k of directory.groups[g]?.members ?? []) pushOnce(keys, k);
  return keys.flatMap((k) => (directory.people[k] ? [directory.people[k]] : []));
}

export function isAssigned(assignment: Assignment): boolean {
  return assignment.assignee !== undefined || assignment.candidateUsers.length > 0 || assignment.candidateGroups.length > 0;
}

type Value = { ok: true; value: unknown } | { ok: false; message: string };

/** `${expr}`, `#{expr}` and `=expr` are expressions; anything else is the text itself. */
function evaluate(source: string, variables: Record<string, unknown>): Value {
  const text = source.trim();
  const juel = /^[$#]\{([\s\S]*)\}$/.exec(text);
  if (juel) return evaluateFeel(juel[1]!, variables);
  if (text.startsWith('=')) return evaluateFeel(text, variables);
  return { ok: true, value: text };
}

function toNames(value: unknown): string[] | undefined {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim()).filter(Boolean);
  return undefined;
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function dateOf(source: string, variables: Record<string, unknown>, openedAt: number): { ok: true; value: number } | { ok: false; message: string } {
  const value = evaluate(source, variables);
  if (!value.ok) return { ok: false, message: `cannot be evaluated: ${value.message}` };
  if (value.value instanceof Date) return { ok: true, value: value.value.getTime() };
  if (typeof value.value !== 'string') return { ok: false, message: `gives ${JSON.stringify(value.value)}, not a date or a duration` };
  const text = value.value.trim();
  if (/^P/i.test(text)) {
    const duration = parseDuration(text);
    return duration.ok ? { ok: true, value: addDuration(openedAt, duration.value) } : { ok: false, message: `is not a duration: ${duration.message}` };
  }
  const date = parseDateTime(text);
  return date.ok ? { ok: true, value: date.value } : { ok: false, message: `is not a date: ${date.message}` };
}

function pushOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}
