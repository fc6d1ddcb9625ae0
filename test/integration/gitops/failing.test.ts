/**
 * A repository the daemon (a child process) cannot sync: reported in
 * /healthz (status degraded, gitops failing) and /metrics, retried with a
 * doubling backoff, recovered from; and a remote that refuses the token,
 * which must appear in no API answer, no log line and no git config.
 */
import { readFileSync, renameSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitOpsDaemon } from './daemon.js';
import { GitFixture, waitModel } from './fixtures.js';

let repo: GitFixture | undefined;
let daemon: GitOpsDaemon | undefined;
let server: Server | undefined;
afterEach(async () => {
  daemon?.dispose();
  repo?.dispose();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  daemon = repo = server = undefined;
});

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('serve --repo: a repository that cannot be synced', () => {
  it('is reported in /healthz and /metrics, retried with a growing backoff, and recovered from', async () => {
    repo = new GitFixture();
    const commit = repo.write('f.bpmn', waitModel('f')).commit('one');
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    await d.start();
    expect(await d.get('/healthz')).toMatchObject({ status: 'ok', gitops: { state: 'ok', revision: commit } });
    const deployed = await d.active();

    renameSync(repo.bare, `${repo.bare}.away`);
    const refused = await d.post('/api/v1/sync', undefined);
    expect(refused).toMatchObject({ status: 502, body: { code: 'GIT_FAILED' } });
    const health = await d.get('/healthz');
    expect(health).toMatchObject({ status: 'degraded', gitops: { state: 'failing', revision: commit, consecutiveFailures: 1, lastError: { message: expect.stringContaining('fetching main') } } });
    const metrics = await d.text('/metrics');
    expect(metric(metrics, 'pipelane_gitops_sync_failing')).toBe(1);
    expect(metric(metrics, 'pipelane_gitops_sync_consecutive_failures')).toBe(1);

    // Each failure waits twice as long as the one before: 1 s, 2 s, 4 s.
    const gaps: number[] = [];
    for (const failures of [1, 2, 3]) {
      const g = await d.waitFor(`failure ${failures}`, async () => {
        const s = (await d.get('/healthz')).gitops;
        return s.consecutiveFailures === failures ? s : undefined;
      });
      gaps.push(Date.parse(g.nextAttemptAt) - Date.parse(g.lastError.at));
    }
    expect(gaps.map((g) => Math.round(g / 100) * 100)).toEqual([1000, 2000, 4000]);
    expect(await d.active()).toEqual(deployed); // the last good revision keeps running

    renameSync(`${repo.bare}.away`, repo.bare);
    const healed = await d.waitFor('the retry to succeed', async () => {
      const h = await d.get('/healthz');
      return h.status === 'ok' ? h : undefined;
    });
    expect(healed.gitops).toMatchObject({ state: 'ok', consecutiveFailures: 0, revision: commit });
    expect(metric(await d.text('/metrics'), 'pipelane_gitops_sync_failing')).toBe(0);
  });

  it('a remote that answers 401 to the token: the token is in no answer, no log line and no git config', async () => {
    const token = 'ghp_sekrit-token-1234567890';
    const requests: IncomingHttpHeaders[] = [];
    server = createServer((req, res) => {
      requests.push(req.headers);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' }).end('Unauthorized');
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/org/repo.git`;
    const d = (daemon = new GitOpsDaemon(['--repo', url, '--poll', '60s'], { PIPELANE_GIT_TOKEN: token }));
    await d.start();

    // Git reached the HTTP server with the token as Basic credentials, and was refused.
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    expect(requests.some((h) => h.authorization === `Basic ${basic}`)).toBe(true);
    const status = await d.get('/api/v1/gitops');
    expect(status).toMatchObject({ state: 'failing', lastError: { message: expect.stringContaining('fetching main') } });
    const sync = await d.post('/api/v1/sync', undefined);
    expect(sync.status).toBe(502);
    const health = await d.get('/healthz');
    expect(health.status).toBe('degraded');
    expect(d.stderr).toContain('sync failed, the deployed revision stays');
    for (const [where, text] of [
      ['GET /api/v1/gitops', JSON.stringify(status)],
      ['POST /api/v1/sync', JSON.stringify(sync.body)],
      ['/healthz', JSON.stringify(health)],
      ['the log', d.stderr],
      ['.git/config', readFileSync(join(d.dataDir, 'repo', 'config'), 'utf8')],
    ]) {
      expect(text, where).not.toContain(token);
      expect(text, where).not.toContain(basic);
    }
  });
});
