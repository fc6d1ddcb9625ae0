/**
 * End to end: `pipelane serve --repo` as a child process following a bare
 * repository that a clone pushes to. Every assertion goes through the REST
 * API or the webhook endpoint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokenModel, GitFixture, quickModel, sidecar, sidecarOf, waitModel } from './fixtures.js';
import { GitOpsDaemon } from './daemon.js';

let repo: GitFixture | undefined;
let daemon: GitOpsDaemon | undefined;
afterEach(() => {
  daemon?.dispose();
  repo?.dispose();
  daemon = undefined;
  repo = undefined;
});

const FILE = 'flows/flow.bpmn';
const SCHEDULE = `${FILE}#often`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve --repo: commits over the REST API', () => {
  it('add, change, break, fix, delete: deployments and schedules follow; old instances finish on their version', async () => {
    repo = new GitFixture();
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    const add = repo.write(FILE, waitModel('flow', 3)).write('flows/flow.yaml', sidecar()).commit('add');
    await d.start();

    // Added: one version, one schedule firing every second.
    expect((await d.get('/healthz')).gitops).toMatchObject({ state: 'ok', revision: add, consecutiveFailures: 0 });
    const [v1] = await d.active();
    expect(v1).toMatchObject({ file: FILE, commit: add });
    expect(await d.schedules()).toMatchObject([{ id: SCHEDULE, state: 'active', deploymentId: v1!.id, trigger: { cron: '* * * * * *' } }]);
    const early = await d.waitFor('an instance started by the schedule', async () => (await d.instances('flow')).find((i) => i.state === 'running'));
    expect(early.deploymentId).toBe(v1!.id);

    // Changed: a new version; the schedule keeps its id and now starts the new version.
    const change = repo.write('flows/flow.yaml', sidecar({ cron: '*/2 * * * * *' })).commit('every 2 s');
    expect((await d.sync()).revision).toBe(change);
    const [v2] = await d.active();
    expect(v2!.id).not.toBe(v1!.id);
    expect(await d.schedules()).toMatchObject([{ id: SCHEDULE, deploymentId: v2!.id, trigger: { cron: '*/2 * * * * *' } }]);
    const finished = await d.waitFor('the early instance to end', async () => {
      const i = await d.get(`/api/v1/instances/${early.id}`);
      return i.state === 'completed' ? i : undefined;
    });
    expect(finished.deploymentId).toBe(v1!.id);
    await d.waitFor('an instance of the new version', async () => (await d.instances('flow')).find((i) => i.deploymentId === v2!.id));

    // Broken: the last good version stays active and its schedule keeps firing; the error is reported.
    const broken = repo.write(FILE, brokenModel('flow')).commit('break it');
    await d.sync();
    expect((await d.active()).map((x) => x.id)).toEqual([v2!.id]);
    const status = await d.get('/api/v1/gitops');
    expect(status).toMatchObject({ state: 'ok', revision: broken, invalid: [{ file: FILE, deploymentId: v2!.id }] });
    expect(status.invalid[0].errors[0]).toMatchObject({ file: FILE, element: expect.any(String), rule: expect.any(String), message: expect.any(String) });
    const revision = await d.get(`/api/v1/revisions/${broken}`);
    expect(revision.deployments).toMatchObject([{ file: FILE, status: 'invalid', deploymentId: v2!.id }]);
    expect(await d.schedules()).toMatchObject([{ id: SCHEDULE, state: 'active', deploymentId: v2!.id }]);
    const before = (await d.instances('flow')).length;
    await d.waitFor('the schedule to keep firing', async () => (await d.instances('flow')).length > before);

    // Fixed: a new version.
    repo.write(FILE, waitModel('flow', 1)).commit('fix it');
    await d.sync();
    const [v3] = await d.active();
    expect([v1!.id, v2!.id]).not.toContain(v3!.id);
    expect((await d.get('/api/v1/gitops')).invalid).toEqual([]);

    // Deleted: no version takes new starts, the schedule is removed, nothing fires any more.
    repo.remove(FILE).remove('flows/flow.yaml').commit('delete it');
    await d.sync();
    expect(await d.active()).toEqual([]);
    expect(await d.schedules()).toEqual([]);
    expect(await d.schedules(true)).toMatchObject([{ id: SCHEDULE, state: 'removed' }]);
    const count = (await d.instances('flow')).length;
    await sleep(2_500);
    expect((await d.instances('flow')).length).toBe(count);
    const history = (await d.get('/api/v1/revisions?limit=10')).items;
    expect(history).toHaveLength(5);
  });
});

describe('serve --repo: schedules across restarts', () => {
  it('a restart in the middle of a schedule fires no time twice', async () => {
    repo = new GitFixture();
    repo.write('q.bpmn', quickModel('q')).write('q.yaml', sidecarOf({ often: { catchUp: 'all' } })).commit('add');
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    await d.start();
    await sleep(2_500);
    await d.kill('SIGKILL');
    await d.start();
    await sleep(2_500);
    const fires = await d.fires('q.bpmn#often');
    const times = fires.map((f) => Date.parse(f.fireAt));
    expect(new Set(times).size).toBe(times.length);
    expect(fires.every((f) => f.outcome === 'started')).toBe(true);
    expect((await d.instances('q')).length).toBe(fires.length);
    // catchUp: all — no second is missing between the first and the last fire.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000);
  });

  it('after 5 s of downtime each catch-up policy decides what runs', async () => {
    repo = new GitFixture();
    repo.write('c.bpmn', quickModel('c')).write('c.yaml', sidecarOf({ none: { catchUp: 'none' }, last: { catchUp: 'last' }, all: { catchUp: 'all' } })).commit('add');
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    await d.start();
    await sleep(2_000);
    await d.kill('SIGTERM');
    await sleep(5_000);
    const restartedAt = Date.now();
    await d.start();
    await sleep(1_500);
    const fires = Object.fromEntries(await Promise.all(['none', 'last', 'all'].map(async (k) => [k, await d.fires(`c.bpmn#${k}`)] as const)));
    // The first tick after the restart decides every missed fire at once, all with the same decision time.
    const upAt = Math.min(...Object.values(fires).flat().map((f) => Date.parse(f.decidedAt)).filter((t) => t >= restartedAt));
    const caughtUp = async (key: string) => fires[key]!.filter((f) => Date.parse(f.decidedAt) === upAt && Date.parse(f.fireAt) < upAt);
    expect(await caughtUp('none')).toHaveLength(0);
    expect(await caughtUp('last')).toHaveLength(1);
    expect((await caughtUp('all')).length).toBeGreaterThanOrEqual(4);
    const all = fires['all']!.map((f) => Date.parse(f.fireAt));
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBe(1000);
    const none = fires['none']!.map((f) => Date.parse(f.fireAt));
    expect(Math.max(...none.slice(1).map((t, i) => t - none[i]!))).toBeGreaterThanOrEqual(5_000);
  });
});

describe('serve --repo: the GitHub push webhook', () => {
  it('a good signature syncs at once, a bad one gets 401 and a log line without the body, a replay is ignored', async () => {
    repo = new GitFixture();
    repo.write('w.bpmn', waitModel('w')).commit('one');
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    await d.start();
    const two = repo.write('w.bpmn', waitModel('w', 5)).commit('two');

    const bad = await d.push({ secret: 'not-the-secret', marker: 'SECRET-PAYLOAD-MARKER' });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('SIGNATURE_INVALID');
    await d.waitFor('the refusal in the log', async () => d.stderr.includes('X-Hub-Signature-256 does not match'));
    expect(d.stderr).not.toContain('SECRET-PAYLOAD-MARKER');
    expect((await d.get('/api/v1/gitops')).revision).not.toBe(two);

    const delivery = 'delivery-0001';
    const good = await d.push({ delivery });
    expect(good).toMatchObject({ status: 202, body: { outcome: 'sync started' } });
    await d.waitFor('the pushed commit', async () => (await d.get('/api/v1/gitops')).revision === two);
    expect((await d.active())[0]!.commit).toBe(two);

    const replay = await d.push({ delivery });
    expect(replay).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    const other = await d.push({ branch: 'feature' });
    expect(other).toMatchObject({ status: 202, body: { outcome: 'ignored' } });
  });
});
