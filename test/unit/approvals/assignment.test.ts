import { describe, expect, it } from 'vitest';
import { candidatesOf, resolveAssignment } from '../../../src/approvals/assignment.js';
import { findPerson, parsePeople } from '../../../src/config/people.js';

const directory = parsePeople(`
people:
  ada: { name: Ada, email: Ada@Example.com, github: ada-l }
  bob: { email: bob@example.com }
groups:
  leads: [bob]
  reviewers: { github: acme/reviewers }
`);
const task = { elementId: 'approve', name: 'Approve' };
const T0 = Date.UTC(2026, 0, 10);

describe('pipelane.yaml', () => {
  it('finds people by key, email or GitHub login', () => {
    expect(findPerson(directory, 'ada')?.key).toBe('ada');
    expect(findPerson(directory, 'ada@example.com')?.key).toBe('ada');
    expect(findPerson(directory, '@Ada-L')?.key).toBe('ada');
  });

  it('refuses members that are no people, and bad values, naming the key', () => {
    expect(() => parsePeople('groups:\n  g: [zed]\n')).toThrow(/groups.g lists "zed", who is not under people/);
    expect(() => parsePeople('people:\n  a: { email: nope }\n')).toThrow(/people.a.email: is not an email address/);
    expect(() => parsePeople('people:\n  a: { phone: 1 }\n')).toThrow(/CONFIG|invalid/);
  });
});

describe('resolveAssignment', () => {
  it('reads static names and lists', () => {
    const r = resolveAssignment(task, { 'camunda:assignee': 'ada', 'camunda:candidateUsers': 'bob, ada', 'camunda:candidateGroups': 'leads' }, {}, directory, T0);
    expect(r).toEqual({ ok: true, assignment: { assignee: 'ada', candidateUsers: ['bob', 'ada'], candidateGroups: ['leads'] } });
    if (r.ok) expect(candidatesOf(r.assignment, directory).map((p) => p.key)).toEqual(['ada', 'bob']);
  });

  it('evaluates ${…} and =… expressions over the variables (dynamic assignment)', () => {
    expect(resolveAssignment(task, { 'camunda:assignee': '${owner}' }, { owner: 'ada@example.com' }, directory, T0)).toMatchObject({ ok: true, assignment: { assignee: 'ada' } });
    expect(resolveAssignment(task, { 'zeebe:candidateUsers': '=reviewers' }, { reviewers: ['ada', 'bob'] }, directory, T0)).toMatchObject({ ok: true, assignment: { candidateUsers: ['ada', 'bob'] } });
  });

  it('names the task and the value when nobody answers to it', () => {
    const r = resolveAssignment(task, { 'camunda:assignee': '${owner}', 'camunda:candidateGroups': 'admins' }, { owner: 'carol' }, directory, T0);
    expect(r).toEqual({ ok: false, message: expect.stringContaining('user task "Approve" (approve) cannot be assigned: the assignee "carol" (from ${owner}) is not a person of pipelane.yaml; the candidate group "admins" is not a group of pipelane.yaml.') });
    expect(resolveAssignment(task, { 'camunda:assignee': '${missing +}' }, {}, directory, T0)).toMatchObject({ ok: false, message: expect.stringContaining('cannot be evaluated') });
  });

  it('refuses an attribute that is there but gives no name, naming the task, the attribute and the expression', () => {
    const unset = resolveAssignment(task, { 'camunda:assignee': '${owner}' }, {}, directory, T0);
    expect(unset).toEqual({ ok: false, message: 'user task "Approve" (approve) cannot be assigned: its assignee "${owner}" gives null, no name; set the variable, or leave the attribute out.' });
    expect(resolveAssignment(task, { 'camunda:assignee': '${owner}' }, { owner: '' }, directory, T0)).toMatchObject({ ok: false, message: expect.stringContaining('its assignee "${owner}" gives "", no name') });
    // Another attribute's people do not make up for it: the model named more people than the task would reach.
    const partly = resolveAssignment(task, { 'zeebe:candidateUsers': '=reviewers', 'zeebe:candidateGroups': 'leads' }, { reviewers: [] }, directory, T0);
    expect(partly).toMatchObject({ ok: false, message: expect.stringContaining('its candidateUsers "=reviewers" gives [], no name') });
    expect(resolveAssignment(task, { 'camunda:candidateGroups': '=teams' }, { teams: ' , ' }, directory, T0)).toMatchObject({ ok: false, message: expect.stringContaining('its candidateGroups "=teams"') });
  });

  it('takes a blank attribute as no attribute: an inbox task', () => {
    expect(resolveAssignment(task, { 'zeebe:assignee': '  ', 'zeebe:candidateGroups': 'leads' }, {}, directory, T0)).toEqual({ ok: true, assignment: { candidateUsers: [], candidateGroups: ['leads'] } });
    expect(resolveAssignment(task, {}, {}, directory, T0)).toEqual({ ok: true, assignment: { candidateUsers: [], candidateGroups: [] } });
  });

  it('reads due and follow-up dates as dates or durations from the opening', () => {
    const r = resolveAssignment(task, { 'camunda:dueDate': 'P2D', 'camunda:followUpDate': '2026-01-11T09:00:00Z' }, {}, directory, T0);
    expect(r).toMatchObject({ ok: true, assignment: { dueAt: T0 + 2 * 86_400_000, followUpAt: Date.UTC(2026, 0, 11, 9) } });
    expect(resolveAssignment(task, { 'camunda:dueDate': 'next week' }, {}, directory, T0)).toMatchObject({ ok: false });
  });
});

describe('loadPeople', () => {
  it('takes the nearest pipelane.yaml from the model up to the repository root', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadPeople } = await import('../../../src/config/people.js');
    const repo = mkdtempSync(join(tmpdir(), 'pipelane-people-'));
    mkdirSync(join(repo, 'team/churn'), { recursive: true });
    writeFileSync(join(repo, 'pipelane.yaml'), 'people:\n  root: { email: root@example.com }\n');
    writeFileSync(join(repo, 'team/pipelane.yaml'), 'people:\n  teamer: { email: t@example.com }\n');
    expect(Object.keys((await loadPeople(repo, 'team/churn/churn.bpmn')).people)).toEqual(['teamer']);
    expect((await loadPeople(repo, 'team/churn/churn.bpmn')).file).toBe('team/pipelane.yaml');
    expect(Object.keys((await loadPeople(repo, 'other/x.bpmn')).people)).toEqual(['root']);
    expect(Object.keys((await loadPeople(join(repo, 'team/churn'), 'churn.bpmn')).people)).toEqual([]);
  });
});
