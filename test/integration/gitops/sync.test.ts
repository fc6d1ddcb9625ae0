/**
 * Following real git repositories in-process: deploy, change, break, fix and
 * delete a model; incremental loading; force-push; an unreachable remote; a
 * crash in the middle of a reconcile; a local repository watched for commits;
 * --path; --worktree.
 */
import { renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitOpsStore } from '../../../src/ports/gitops-store.js';
import { brokenModel, GitFixture, sidecar, waitModel } from './fixtures.js';
import { GitOpsWorld, waitFor } from './world.js';

let repo: GitFixture;
let world: GitOpsWorld;
afterEach(async () => {
  await world?.close();
  repo?.dispose();
});

function setUp(): void {
  repo = new GitFixture();
  world = new GitOpsWorld();
}

describe('following a repository by URL', () => {
  it('deploys, changes, keeps the last good version of a broken file, fixes and deletes', async () => {
    setUp();
    const a = repo.write('flows/flow.bpmn', waitModel('flow')).write('flows/flow.yaml', sidecar()).commit('add flow');
    const ops = await world.open({ repo: repo.url });
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, revision: a, reconciled: true });
    const [v1] = world.active();
    expect(v1).toMatchObject({ file: 'flows/flow.bpmn', commit: a, repoDir: join(world.dataDir, 'snapshots', a) });
    expect(statSync(join(v1!.repoDir, 'flows/flow.bpmn')).mode & 0o222).toBe(0); // read-only
    expect(world.schedules()).toEqual([{ id: 'flows/flow.bpmn#often', state: 'active', deploymentId: v1!.id, trigger: { kind: 'cron', cron: '* * * * * *', timezone: 'UTC' } }]);

    const b = repo.write('flows/flow.yaml', sidecar({ cron: '*/2 * * * * *' })).commit('every 2 s');
    await ops.sync.syncNow('test');
    const [v2] = world.active();
    expect(v2!.id).not.toBe(v1!.id);
    expect(world.store.getDeployment(v1!.id)!.active).toBe(false);
    expect(world.schedules()).toMatchObject([{ id: 'flows/flow.bpmn#often', state: 'active', deploymentId: v2!.id, trigger: { cron: '*/2 * * * * *' } }]);
    expect(world.gitops.getRevision(b)!.schedules).toEqual({ added: [], changed: ['flows/flow.bpmn#often'], removed: [] });

    const c = repo.write('flows/flow.bpmn', brokenModel('flow')).commit('break it');
    await ops.sync.syncNow('test');
    expect(world.active().map((d) => d.id)).toEqual([v2!.id]);
    const broken = world.gitops.getRevision(c)!.files[0]!;
    expect(broken).toMatchObject({ file: 'flows/flow.bpmn', status: 'invalid', deploymentId: v2!.id });
    const error = broken.diagnostics.find((d) => d.severity === 'error')!;
    expect(error).toMatchObject({ file: 'flows/flow.bpmn', element: expect.any(String), rule: expect.any(String) });
    expect(world.logs.some((l) => l.level === 'error' && l.message.includes('flows/flow.bpmn') && l.message.includes('stays active'))).toBe(true);
    expect(world.schedules()[0]!.deploymentId).toBe(v2!.id);

    repo.write('flows/flow.bpmn', waitModel('flow', 1)).commit('fix it');
    await ops.sync.syncNow('test');
    const [v3] = world.active();
    expect(v3!.id).not.toBe(v2!.id);

    const e = repo.remove('flows/flow.bpmn').remove('flows/flow.yaml').commit('delete it');
    await ops.sync.syncNow('test');
    expect(world.active()).toEqual([]);
    expect(world.schedules()).toMatchObject([{ id: 'flows/flow.bpmn#often', state: 'removed' }]);
    expect(world.gitops.getRevision(e)!.files).toMatchObject([{ file: 'flows/flow.bpmn', status: 'removed' }]);
    expect(ops.status()).toMatchObject({ state: 'ok', revision: e, consecutiveFailures: 0 });
  });

  it('parses again only the files whose blobs changed; the others keep their version', async () => {
    setUp();
    for (const name of ['a', 'b', 'c']) repo.write(`${name}.bpmn`, waitModel(name));
    repo.commit('three');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    expect(ops.status().lastReconcile!.parsed).toBe(3);
    const before = new Map(world.active().map((d) => [d.file, d.id]));
    repo.write('b.bpmn', waitModel('b', 5)).commit('change b');
    await ops.sync.syncNow('test');
    expect(ops.status().lastReconcile!.parsed).toBe(1);
    const after = new Map(world.active().map((d) => [d.file, d.id]));
    expect(after.get('a.bpmn')).toBe(before.get('a.bpmn'));
    expect(after.get('c.bpmn')).toBe(before.get('c.bpmn'));
    expect(after.get('b.bpmn')).not.toBe(before.get('b.bpmn'));
  });

  it('after a restart, files that did not change are taken from their deployments, not parsed again', async () => {
    setUp();
    for (const name of ['a', 'b', 'c']) repo.write(`${name}.bpmn`, waitModel(name)).write(`${name}.yaml`, sidecar());
    repo.commit('three');
    await (await world.open({ repo: repo.url })).sync.syncNow('test');
    const before = world.active();
    await world.close();
    world = new GitOpsWorld(world.dataDir);
    repo.write('b.bpmn', waitModel('b', 5)).commit('change b');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    expect(ops.status().lastReconcile!.parsed).toBe(1);
    const after = world.active();
    expect(after.find((d) => d.file === 'a.bpmn')).toEqual(before.find((d) => d.file === 'a.bpmn'));
    expect(after.find((d) => d.file === 'b.bpmn')!.id).not.toBe(before.find((d) => d.file === 'b.bpmn')!.id);
    expect(world.schedules().map((s) => s.state)).toEqual(['active', 'active', 'active']);
  });

  it('a changed script makes a new version of the model that names it', async () => {
    setUp();
    const model = waitModel('s').replace('<intermediateCatchEvent id="wait">', '<scriptTask id="wait" scriptFormat="python" camunda:resource="scripts/run.py">').replace('</intermediateCatchEvent>', '</scriptTask>').replace(/<timerEventDefinition>.*?<\/timerEventDefinition>/, '');
    repo.write('s.bpmn', model).write('scripts/run.py', 'print(1)\n').commit('script');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const [first] = world.active();
    repo.write('scripts/run.py', 'print(2)\n').commit('change the script');
    await ops.sync.syncNow('test');
    expect(world.active()[0]!.id).not.toBe(first!.id);
  });

  it('follows a force-push that rewrote history', async () => {
    setUp();
    repo.write('f.bpmn', waitModel('f', 1)).commit('one');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const rewritten = repo.write('f.bpmn', waitModel('f', 7)).commit('rewritten', { amend: true, force: true });
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, revision: rewritten });
    expect(world.active()).toMatchObject([{ commit: rewritten }]);
  });

  it('an unreachable remote is retried and reported; the deployment stays', async () => {
    setUp();
    repo.write('f.bpmn', waitModel('f')).commit('one');
    const ops = await world.open({ repo: repo.url });
    await ops.sync.syncNow('test');
    const deployed = world.active();
    renameSync(repo.bare, `${repo.bare}.away`);
    const failed = await ops.sync.syncNow('test');
    expect(failed.ok).toBe(false);
    expect(ops.status()).toMatchObject({ state: 'failing', consecutiveFailures: 1, lastError: { message: expect.stringContaining('fetching main') } });
    expect(ops.status().nextAttemptAt).toBeGreaterThan(Date.now());
    expect(world.active()).toEqual(deployed);
    renameSync(`${repo.bare}.away`, repo.bare);
    expect((await ops.sync.syncNow('test')).ok).toBe(true);
    expect(ops.status()).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  });

  it('a crash in the middle of a reconcile leaves the previous revision; the next sync redoes it', async () => {
    setUp();
    const a = repo.write('f.bpmn', waitModel('f')).write('f.yaml', sidecar()).commit('one');
    let fail = false;
    const faulty: GitOpsStore = new Proxy(world.gitops, {
      get: (target, name, receiver) =>
        name === 'putRevision' && fail
          ? () => {
              throw new Error('the process died here');
            }
          : Reflect.get(target, name, receiver),
    });
    const ops = await world.open({ repo: repo.url }, faulty);
    await ops.sync.syncNow('test');
    const before = { active: world.active(), schedules: world.schedules() };
    const b = repo.write('f.bpmn', waitModel('f', 9)).write('f.yaml', sidecar({ cron: '0 * * * * *' })).commit('two');
    fail = true;
    expect((await ops.sync.syncNow('test')).ok).toBe(false);
    expect({ active: world.active(), schedules: world.schedules() }).toEqual(before);
    expect(world.gitops.getSyncState()!.revision).toBe(a);
    fail = false;
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, revision: b, reconciled: true });
    expect(world.active()[0]!.commit).toBe(b);
  });

  it('--path: only the models below the directory, paths relative to it', async () => {
    setUp();
    repo.write('pipelines/etl.bpmn', waitModel('etl')).write('other/x.bpmn', waitModel('x')).commit('two dirs');
    const ops = await world.open({ repo: repo.url, path: 'pipelines' });
    await ops.sync.syncNow('test');
    expect(world.active().map((d) => d.file)).toEqual(['etl.bpmn']);
  });
});

describe('following a local repository', () => {
  it('sees a new commit on the branch within a second', async () => {
    setUp();
    repo.write('f.bpmn', waitModel('f')).commit('one', { push: false });
    const ops = await world.open({ repo: repo.clone });
    await ops.start();
    expect(ops.status().state).toBe('ok');
    const started = Date.now();
    const two = repo.write('f.bpmn', waitModel('f', 4)).commit('two', { push: false });
    await waitFor('the new commit', () => ops.status().revision === two, 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(world.active()[0]!.commit).toBe(two);
  });

  it('--worktree: a saved file redeploys the working tree under a content-hash version', async () => {
    setUp();
    repo.write('f.bpmn', waitModel('f')).commit('one', { push: false });
    const ops = await world.open({ repo: repo.clone, worktree: true });
    await ops.start();
    const first = ops.status().revision!;
    expect(first).toMatch(/^worktree-[0-9a-f]{16}$/);
    repo.write('node_modules/junk.js', '1').write('.pipelane/pipelane.db', 'not a model');
    await ops.sync.syncNow('test');
    expect(ops.status().revision).toBe(first); // neither is part of the working tree's version
    repo.write('f.bpmn', waitModel('f', 3)); // saved, not committed
    const second = await waitFor('a new working-tree revision', () => ops.status().revision !== first && ops.status().revision, 5_000);
    expect(second).toMatch(/^worktree-/);
    expect(world.active()[0]!.repoDir).toBe(join(world.dataDir, 'snapshots', second));
    // Saving the same content again names the same version.
    repo.write('f.bpmn', waitModel('f'));
    await waitFor('back to the first content', () => ops.status().revision === first, 5_000);
  });
});
