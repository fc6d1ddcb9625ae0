/** `pipelane plan` against real repositories: default revisions, the three formats, the exit code; --server in plan-server.test.ts. */
import { afterEach, describe, expect, it } from 'vitest';
import { planCommand } from '../../../src/cli/plan.js';
import { brokenModel, git, GitFixture, sidecar, timerStartModel, waitModel } from './fixtures.js';

let repo: GitFixture;
afterEach(() => repo?.dispose());

async function plan(options: { from?: string; to?: string; format?: 'text' | 'json' | 'github'; path?: string } = {}): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await planCommand({ repo: repo.clone, format: 'text', ...options }, (t) => (output += `${t}\n`));
  return { code, output };
}

function featureBranch(): void {
  repo = new GitFixture();
  repo.write('a/a.bpmn', waitModel('a')).write('a/a.yaml', sidecar({ key: 'nightly', cron: '0 2 * * *' })).write('old.bpmn', waitModel('old')).commit('base');
  git(repo.clone, 'checkout', '-q', '-b', 'feature');
  repo
    .write('a/a.yaml', sidecar({ key: 'nightly', cron: '30 2 * * *' }))
    .write('b.bpmn', timerStartModel('b', 'R/PT1H'))
    .remove('old.bpmn')
    .commit('feature', { push: false });
}

describe('pipelane plan', () => {
  it('on a feature branch compares the merge-base with HEAD (the working tree has no changes)', async () => {
    featureBranch();
    const { code, output } = await plan({ format: 'json' });
    expect(code).toBe(0);
    const json = JSON.parse(output);
    expect(json.from.label).toBe('merge-base with origin/main');
    expect(json.to).toEqual({ revision: git(repo.clone, 'rev-parse', 'HEAD'), label: 'HEAD' });
    expect(json.processes.map((p: { processId: string; change: string }) => [p.processId, p.change])).toEqual([
      ['a', 'changed'],
      ['b', 'added'],
      ['old', 'removed'],
    ]);
    expect(json.schedules.map((s: { id: string; change: string; next: string[] }) => [s.id, s.change, s.next.length])).toEqual([
      ['a/a.bpmn#nightly', 'changed', 3],
      ['b.bpmn#tick', 'added', 3],
    ]);
    expect(json.schedules[0].next[0]).toMatch(/T02:30:00.000Z$/);
  });

  it('exits 1 and names file, element and rule when a file of the target fails validation', async () => {
    featureBranch();
    repo.write('c.bpmn', brokenModel('c')); // saved, not committed: the working tree is the target
    const { code, output } = await plan();
    expect(code).toBe(1);
    expect(output).toContain('Invalid files (not deployed; the last good version stays):');
    expect(output).toMatch(/c\.bpmn\S* \S+: error [A-Z0-9/-]+: /);
    const github = await plan({ format: 'github' });
    expect(github.code).toBe(1);
    expect(github.output).toContain('### Pipelane plan');
    expect(github.output).toContain('| changed | `a` | `a/a.bpmn` |');
    expect(github.output).toContain('**1 file(s) fail validation**');
  });

  it('--from and --to compare two commits; a clean default branch shows its last commit', async () => {
    repo = new GitFixture();
    const one = repo.write('x.bpmn', waitModel('x')).commit('one');
    const two = repo.write('y.bpmn', waitModel('y')).commit('two');
    const explicit = JSON.parse((await plan({ from: one, to: two, format: 'json' })).output);
    expect(explicit.processes).toMatchObject([{ processId: 'y', change: 'added' }]);
    const byDefault = JSON.parse((await plan({ format: 'json' })).output);
    expect(byDefault.from).toEqual({ revision: one, label: 'HEAD~1' });
    expect(byDefault.processes).toMatchObject([{ processId: 'y', change: 'added' }]);
    const text = await plan({ from: two, to: two });
    expect(text.output).toContain('No changes.');
  });

  it('a working tree with changes is the default target, compared with HEAD; --to HEAD leaves the changes out', async () => {
    repo = new GitFixture();
    const one = repo.write('x.bpmn', waitModel('x')).commit('one');
    const two = repo.write('y.bpmn', waitModel('y')).commit('two');
    repo.write('z.bpmn', waitModel('z')); // saved, not committed
    const dirty = JSON.parse((await plan({ format: 'json' })).output);
    expect([dirty.from, dirty.to]).toEqual([{ revision: two, label: 'HEAD' }, { revision: 'worktree', label: 'the working tree' }]);
    expect(dirty.processes).toMatchObject([{ processId: 'z', change: 'added' }]);
    const head = JSON.parse((await plan({ to: 'HEAD', format: 'json' })).output);
    expect([head.from, head.to]).toEqual([{ revision: one, label: 'the parent of --to HEAD' }, { revision: two, label: '--to HEAD' }]);
    expect(head.processes).toMatchObject([{ processId: 'y', change: 'added' }]);
    const first = JSON.parse((await plan({ to: one, format: 'json' })).output);
    expect(first.from.revision).toBe('empty');
    expect(first.processes).toMatchObject([{ processId: 'x', change: 'added' }]);
  });

  it('the first commit is compared with nothing; an unknown revision is refused', async () => {
    repo = new GitFixture();
    repo.write('x.bpmn', waitModel('x')).commit('one');
    expect(JSON.parse((await plan({ format: 'json' })).output).from.revision).toBe('empty');
    await expect(plan({ from: 'no-such-branch' })).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND' });
  });
});
