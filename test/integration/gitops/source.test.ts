/**
 * What --repo may be and what the sync state remembers of it: credentials
 * in a URL and --worktree with a URL are refused; a restart that follows
 * another repository or --path on the same data directory reconciles again
 * although the branch did not move; an upstream that is itself a shallow
 * clone is followed like any other.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRepository } from '../../../src/gitops/repository.js';
import { git, GitFixture, waitModel } from './fixtures.js';
import { GitOpsWorld } from './world.js';

let repo: GitFixture | undefined;
let world: GitOpsWorld | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  repo?.dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  world = repo = undefined;
});

function open(repoOption: string, worktree = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipelane-source-'));
  dirs.push(dataDir);
  return openRepository({ repo: repoOption, branch: 'main', path: '', worktree, dataDir, access: { baseEnv: process.env } });
}

describe('--repo', () => {
  it('refuses credentials in a URL, naming the environment variable; an ssh user is no credential', async () => {
    for (const url of ['https://ghp_token123@github.com/acme/models.git', 'https://user:secret@github.com/acme/models.git', 'http://x@127.0.0.1/r.git', 'ssh://git:secret@github.com/acme/models.git']) {
      const error = await open(url).then(() => undefined, (e: unknown) => e as Error & { code: string });
      expect(error, url).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('PIPELANE_GIT_TOKEN') });
      expect(error!.message).not.toMatch(/ghp_token123|secret/);
    }
    for (const url of ['ssh://git@github.com/acme/models.git', 'git@github.com:acme/models.git', 'https://github.com/acme/models.git']) {
      await expect(open(url).then((s) => s.kind), url).resolves.toBe('remote');
    }
  });

  it('refuses --worktree with a URL', async () => {
    await expect(open('https://github.com/acme/models.git', true)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('--worktree') });
  });
});

describe('the sync state remembers what it followed', () => {
  it('a restart with another --path or repository on an unmoved branch reconciles again', async () => {
    repo = new GitFixture();
    const commit = repo.write('a/x.bpmn', waitModel('x')).write('b/y.bpmn', waitModel('y')).commit('two dirs');
    world = new GitOpsWorld();
    const dataDir = world.dataDir;
    expect(await (await world.open({ repo: repo.url, path: 'a' })).sync.syncNow('test')).toMatchObject({ revision: commit, reconciled: true });
    expect(world.active().map((d) => d.file)).toEqual(['x.bpmn']);
    await world.close();

    world = new GitOpsWorld(dataDir);
    expect(await (await world.open({ repo: repo.url, path: 'b' })).sync.syncNow('test')).toMatchObject({ revision: commit, reconciled: true });
    const [y] = world.active();
    expect(y).toMatchObject({ file: 'y.bpmn', commit });
    // The same commit below another --path is other files: another snapshot.
    expect([existsSync(join(y!.repoDir, 'y.bpmn')), existsSync(join(y!.repoDir, 'x.bpmn'))]).toEqual([true, false]);
    await world.close();

    world = new GitOpsWorld(dataDir);
    expect(await (await world.open({ repo: repo.clone, path: 'b' })).sync.syncNow('test')).toMatchObject({ revision: commit, reconciled: true });
    expect(world.active().map((d) => d.id)).toEqual([y!.id]);
    await world.close();

    world = new GitOpsWorld(dataDir);
    expect(await (await world.open({ repo: repo.clone, path: 'b' })).sync.syncNow('test')).toMatchObject({ revision: commit, reconciled: false });
  });
});

describe('a shallow upstream', () => {
  it('is followed by URL and as a local path, and its new commits are seen', async () => {
    repo = new GitFixture();
    repo.write('f.bpmn', waitModel('f', 1)).commit('one');
    repo.write('f.bpmn', waitModel('f', 2)).commit('two');
    const shallow = join(repo.root, 'shallow');
    git(repo.root, 'clone', '-q', '--depth', '1', '--branch', 'main', repo.url, shallow);
    expect(git(shallow, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const tip = git(shallow, 'rev-parse', 'HEAD');

    world = new GitOpsWorld();
    const ops = await world.open({ repo: `file://${shallow}` });
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, revision: tip, reconciled: true });
    writeFileSync(join(shallow, 'g.bpmn'), waitModel('g'));
    git(shallow, 'add', '-A');
    git(shallow, 'commit', '-q', '-m', 'on top of the shallow clone');
    const next = git(shallow, 'rev-parse', 'HEAD');
    expect(await ops.sync.syncNow('test')).toMatchObject({ ok: true, revision: next, reconciled: true });
    expect(world.active().map((d) => [d.file, d.commit]).sort()).toEqual([
      ['f.bpmn', tip],
      ['g.bpmn', next],
    ]);
    await world.close();

    world = new GitOpsWorld();
    const local = await world.open({ repo: shallow });
    expect(await local.sync.syncNow('test')).toMatchObject({ ok: true, revision: next, reconciled: true });
    expect(world.active().map((d) => d.file).sort()).toEqual(['f.bpmn', 'g.bpmn']);
  });
});
