/**
 * What a version is made of, with real git: besides the .bpmn, its sidecar
 * and its scripts, the pipelane.yaml that governs the model and the form
 * files it names. A commit touching only one of them deploys a new version;
 * a broken pipelane.yaml is reported and the last good version stays.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planCommand } from '../../../src/cli/plan.js';
import { formJson, GitFixture, userTaskModel, waitModel } from './fixtures.js';
import { GitOpsWorld } from './world.js';

let repo: GitFixture;
let world: GitOpsWorld;
afterEach(async () => {
  await world?.close();
  repo?.dispose();
});

const PEOPLE = 'people:\n  ada: { email: ada@example.com }\n';
const PEOPLE_AND_BOB = 'people:\n  ada: { email: ada@example.com }\n  bob: { email: bob@example.com }\n';

describe('the inputs of a version', () => {
  it('a commit that changes only pipelane.yaml makes a new version; a broken one is reported and the old version stays', async () => {
    repo = new GitFixture();
    world = new GitOpsWorld();
    repo.write('ship/ship.bpmn', userTaskModel('ship', { 'camunda:assignee': 'ada' })).write('plain.bpmn', waitModel('plain')).write('pipelane.yaml', PEOPLE).commit('model and people');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const first = new Map(world.active().map((d) => [d.file, d]));
    expect([...first.keys()].sort()).toEqual(['plain.bpmn', 'ship/ship.bpmn']);

    // Only pipelane.yaml changes: every model it governs gets a new version, whose snapshot has the new file.
    const added = repo.write('pipelane.yaml', PEOPLE_AND_BOB).commit('add bob');
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, reconciled: true });
    const second = new Map(world.active().map((d) => [d.file, d]));
    expect(second.get('ship/ship.bpmn')!.id).not.toBe(first.get('ship/ship.bpmn')!.id);
    expect(second.get('plain.bpmn')!.id).not.toBe(first.get('plain.bpmn')!.id);
    expect(world.gitops.getRevision(added)!.files.map((f) => f.status)).toEqual(['deployed', 'deployed']);
    expect(readFileSync(join(second.get('ship/ship.bpmn')!.repoDir, 'pipelane.yaml'), 'utf8')).toBe(PEOPLE_AND_BOB);
    // The old version is inactive but kept, on its own snapshot: instances started on it stay pinned to it.
    const old = world.store.getDeployment(first.get('ship/ship.bpmn')!.id)!;
    expect(old.active).toBe(false);
    expect(readFileSync(join(old.repoDir, 'pipelane.yaml'), 'utf8')).toBe(PEOPLE);

    // A pipelane.yaml that does not load: every model it governs is invalid, with the error; their versions stay.
    const broken = repo.write('pipelane.yaml', 'people:\n  ada: { email: not-an-address }\n').commit('break people');
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, reconciled: true });
    expect(world.active().map((d) => d.id).sort()).toEqual([...second.values()].map((d) => d.id).sort());
    const files = world.gitops.getRevision(broken)!.files;
    expect(files.map((f) => [f.file, f.status, f.deploymentId])).toEqual([
      ['plain.bpmn', 'invalid', second.get('plain.bpmn')!.id],
      ['ship/ship.bpmn', 'invalid', second.get('ship/ship.bpmn')!.id],
    ]);
    expect(files[1]!.diagnostics).toMatchObject([{ severity: 'error', rule: 'pipelane/people', file: 'pipelane.yaml', message: expect.stringContaining('people.ada.email') }]);
    expect(world.logs.some((l) => l.level === 'error' && l.message.includes('ship/ship.bpmn') && l.message.includes('stays active'))).toBe(true);

    // Fixed again: new versions.
    repo.write('pipelane.yaml', PEOPLE).commit('fix people');
    await ops.sync.syncNow('test');
    expect(world.active().map((d) => d.id)).not.toContain(second.get('ship/ship.bpmn')!.id);
  });

  it('the nearest pipelane.yaml governs: a change to another directory\'s leaves a model alone', async () => {
    repo = new GitFixture();
    world = new GitOpsWorld();
    repo.write('team/t.bpmn', userTaskModel('t', { 'camunda:assignee': 'ada' })).write('team/pipelane.yaml', PEOPLE).write('root.bpmn', waitModel('root')).write('pipelane.yaml', PEOPLE).commit('two configs');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const before = new Map(world.active().map((d) => [d.file, d.id]));
    repo.write('pipelane.yaml', PEOPLE_AND_BOB).commit('root people');
    await ops.sync.syncNow('test');
    const after = new Map(world.active().map((d) => [d.file, d.id]));
    expect(after.get('team/t.bpmn')).toBe(before.get('team/t.bpmn'));
    expect(after.get('root.bpmn')).not.toBe(before.get('root.bpmn'));
    expect(ops.status().lastReconcile!.parsed).toBe(1);
    // A pipelane.yaml appearing nearer a model takes over, and so makes a new version.
    repo.write('pipelane.yaml', PEOPLE).write('sub/pipelane.yaml', PEOPLE).write('sub/s.bpmn', waitModel('s')).commit('sub');
    await ops.sync.syncNow('test');
    const s1 = world.active().find((d) => d.file === 'sub/s.bpmn')!.id;
    repo.write('sub/pipelane.yaml', PEOPLE_AND_BOB).commit('sub people');
    await ops.sync.syncNow('test');
    expect(world.active().find((d) => d.file === 'sub/s.bpmn')!.id).not.toBe(s1);
  });

  it('a changed form file makes a new version of the model that names it, by path or by form id', async () => {
    repo = new GitFixture();
    world = new GitOpsWorld();
    repo
      .write('a/a.bpmn', userTaskModel('a', { 'camunda:formKey': 'camunda-forms:deployment:review.form' }))
      .write('a/review.form', formJson('review'))
      .write('b/b.bpmn', userTaskModel('b', { 'camunda:formKey': 'camunda-forms:app:forms/shared.form' }))
      .write('forms/shared.form', formJson('shared'))
      .write('c/c.bpmn', userTaskModel('c', {}, '<extensionElements><zeebe:formDefinition formId="decide"/></extensionElements>').replace('xmlns:camunda=', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda='))
      .write('c/decide.form', formJson('decide'))
      .commit('three forms');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const ids = () => new Map(world.active().map((d) => [d.file, d.id]));
    const v1 = ids();
    expect(v1.size).toBe(3);
    repo.write('a/review.form', formJson('review', 'Looks good')).commit('a form');
    await ops.sync.syncNow('test');
    const v2 = ids();
    expect([v2.get('a/a.bpmn') !== v1.get('a/a.bpmn'), v2.get('b/b.bpmn') === v1.get('b/b.bpmn'), v2.get('c/c.bpmn') === v1.get('c/c.bpmn')]).toEqual([true, true, true]);
    repo.write('forms/shared.form', formJson('shared', 'Ship it')).commit('shared form');
    await ops.sync.syncNow('test');
    expect(ids().get('b/b.bpmn')).not.toBe(v2.get('b/b.bpmn'));
    // zeebe:formId may name any .form file beside the model: a new one there counts too.
    repo.write('c/other.form', formJson('other')).commit('another form beside c');
    await ops.sync.syncNow('test');
    expect(ids().get('c/c.bpmn')).not.toBe(v1.get('c/c.bpmn'));
  });

  it('pipelane plan shows a pipelane.yaml-only commit as a new version of the models it governs', async () => {
    repo = new GitFixture();
    const one = repo.write('ship.bpmn', userTaskModel('ship', { 'camunda:assignee': 'ada' })).write('pipelane.yaml', PEOPLE).commit('one');
    const two = repo.write('pipelane.yaml', PEOPLE_AND_BOB).commit('two');
    let output = '';
    await planCommand({ repo: repo.clone, from: one, to: two, format: 'json' }, (t) => (output += t));
    expect(JSON.parse(output).processes).toMatchObject([{ processId: 'ship', change: 'changed' }]);
  });
});
