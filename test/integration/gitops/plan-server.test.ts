/**
 * `pipelane plan --server`: the revision a daemon runs is the default
 * --from. Against a real daemon (a child process following a bare
 * repository) and a loopback server answering GET /api/v1/gitops as the
 * daemon documents it (to see the token and the odd answers).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { planCommand, type PlanCommandOptions } from '../../../src/cli/plan.js';
import { GitOpsDaemon } from './daemon.js';
import { GitFixture, waitModel } from './fixtures.js';

let repo: GitFixture | undefined;
let daemon: GitOpsDaemon | undefined;
let server: Server | undefined;
afterEach(async () => {
  daemon?.dispose();
  repo?.dispose();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  delete process.env['PIPELANE_SERVER'];
  delete process.env['PIPELANE_TOKEN'];
  daemon = repo = server = undefined;
});

async function plan(options: Partial<PlanCommandOptions>): Promise<any> {
  let output = '';
  await planCommand({ repo: repo!.clone, format: 'json', ...options }, (t) => (output += t));
  return JSON.parse(output);
}

/** Answers GET /api/v1/gitops with `body` (status 200), remembering the request headers. */
async function fakeDaemon(answer: (headers: IncomingHttpHeaders) => { status: number; body: unknown }): Promise<string> {
  server = createServer((req, res) => {
    const { status, body } = req.url === '/api/v1/gitops' ? answer(req.headers) : { status: 404, body: { code: 'ROUTE_NOT_FOUND', message: 'no route' } };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('pipelane plan --server', () => {
  it('compares what a running daemon deployed with HEAD', async () => {
    repo = new GitFixture();
    const deployed = repo.write('a.bpmn', waitModel('a')).commit('deployed');
    const d = (daemon = new GitOpsDaemon(['--repo', repo.url, '--poll', '60s']));
    await d.start();
    await d.waitFor('the daemon to run the first commit', async () => (await d.get('/api/v1/gitops')).revision === deployed);
    repo.write('b.bpmn', waitModel('b')).commit('one', { push: false });
    const head = repo.write('c.bpmn', waitModel('c')).commit('two', { push: false });
    // HEAD~1 would show only c; the daemon runs the commit before both.
    const json = await plan({ server: d.url });
    expect(json.from).toEqual({ revision: deployed, label: `deployed on ${d.url}` });
    expect(json.to).toEqual({ revision: head, label: 'HEAD' });
    expect(json.processes.map((p: { processId: string; change: string }) => [p.processId, p.change])).toEqual([
      ['b', 'added'],
      ['c', 'added'],
    ]);
  });

  it('reads PIPELANE_SERVER and PIPELANE_TOKEN, sends the token, and explains the answers it cannot use', async () => {
    repo = new GitFixture();
    const one = repo.write('a.bpmn', waitModel('a')).commit('one');
    repo.write('b.bpmn', waitModel('b')).commit('two');
    let answer: { status: number; body: unknown } = { status: 200, body: { state: 'ok', revision: one, syncedAt: '2026-01-01T00:00:00.000Z' } };
    let seen: IncomingHttpHeaders = {};
    const url = await fakeDaemon((headers) => ((seen = headers), answer));
    process.env['PIPELANE_SERVER'] = url;
    process.env['PIPELANE_TOKEN'] = 'plan-token-0123456789';
    expect((await plan({})).from).toEqual({ revision: one, label: `deployed on ${url}` });
    expect(seen.authorization).toBe('Bearer plan-token-0123456789');
    // --from wins over the daemon.
    expect((await plan({ from: 'HEAD' })).from.label).toBe('--from HEAD');

    answer = { status: 200, body: { state: 'failing', consecutiveFailures: 1 } };
    expect((await plan({})).from).toEqual({ revision: 'empty', label: `nothing (${url} has deployed nothing yet)` });
    answer = { status: 200, body: { state: 'ok', revision: 'worktree-0123456789abcdef' } };
    await expect(plan({})).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', message: expect.stringContaining('runs a working tree') });
    answer = { status: 200, body: { state: 'ok', revision: 'f'.repeat(40) } };
    await expect(plan({})).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', message: expect.stringContaining('git fetch origin ffff') });
    answer = { status: 401, body: { code: 'UNAUTHORIZED', message: 'the bearer token is not valid.' } };
    await expect(plan({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    answer = { status: 404, body: { code: 'ROUTE_NOT_FOUND', message: 'no route' } };
    await expect(plan({})).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('follows no repository') });
    await expect(plan({ server: 'http://127.0.0.1:9' })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
  });
});
