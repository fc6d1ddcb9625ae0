/** The client commands against a data directory a daemon works on, and against the daemon itself. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { Daemon, TOKEN, Workspace, cli, historyOf } from './daemon.js';
import { decide, ticker } from './models.js';

const docker = await dockerAvailable();

describe('client commands next to a running daemon', { timeout: 120_000 }, () => {
  let ws: Workspace;
  let daemon: Daemon;
  beforeAll(async () => {
    ws = new Workspace().write('decide.bpmn', decide).write('ticker.bpmn', ticker);
    daemon = await new Daemon(ws, { PIPELANE_TOKENS: TOKEN }, TOKEN).start();
  });
  afterAll(async () => {
    await daemon?.kill('SIGTERM');
    await ws?.dispose();
  });
  const local = () => ['--data-dir', ws.dataDir];
  const remote = () => ['--server', daemon.url, '--token', TOKEN];

  it('completes a task in the data directory; the daemon picks the step up from the outbox', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/decide/instances', { variables: { n: 1 } })).body;
    const listed = await cli(['tasks', ...local()]);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes(`instance ${id}`));
    expect(line).toMatch(/\tdecide\tDecide\tinstance /);
    const taskId = line!.split('\t')[0]!;

    const done = await cli(['tasks', 'complete', taskId, '--var', 'approved=true', '--var', 'note=fine', ...local()]);
    expect(done).toMatchObject({ code: 0, stdout: `task ${taskId} completed\n` });
    const instance = await daemon.waitForInstance(id, (i) => i.state === 'completed', 10_000);
    expect(instance.variables).toEqual({ n: 1, approved: true, note: 'fine' });
    expect(historyOf(instance, 'taskCompleted')).toEqual([expect.objectContaining({ actor: 'cli' })]);

    const again = await cli(['tasks', 'complete', taskId, '--var', 'approved=false', ...remote()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already \w+ by cli at \d{4}-/);
  });

  it('prints the same for a data directory and for --server', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body;
    for (const args of [['instances', '--process', 'decide'], ['show', id], ['tasks'], ['logs', id], ['show', id, '--json']]) {
      const [a, b] = await Promise.all([cli([...args, ...local()]), cli([...args, ...remote()])]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    }
    const shown = await cli(['show', id, ...remote()]);
    expect(shown.stdout).toMatch(new RegExp(`^instance   ${id}\nprocess    decide \\(decide\\.bpmn@\\w+\\)\nstate      running\n`));
  });

  it('cancels over the API and in the data directory; retry with no incident fails with exit 1', async () => {
    const a = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body.id;
    const b = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body.id;
    expect(await cli(['cancel', a, ...remote()])).toMatchObject({ code: 0, stdout: `instance ${a} cancelled\n` });
    expect(await cli(['cancel', b, ...local()])).toMatchObject({ code: 0, stdout: `instance ${b} cancelled\n` });
    // The daemon applies the cancel's commands (the task closes) from the outbox.
    await daemon.waitForInstance(b, () => true);
    const closed = async () => (await daemon.get(`/api/v1/tasks?state=all&instance=${b}`)).items[0].state;
    for (let i = 0; i < 50 && (await closed()) === 'open'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await closed()).toBe('cancelled');

    const retry = await cli(['retry', a, ...remote()]);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/has no open incident to retry/);
    expect((await cli(['show', 'no-such-instance', ...local()])).code).toBe(1);
  });

  it.skipIf(!docker)('follows the logs of a running script to its end, from the data directory and from the daemon', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/ticker/instances', {})).body;
    const [a, b] = await Promise.all([cli(['logs', id, '--follow', ...local()]), cli(['logs', id, '--follow', '--task', 'tick', ...remote()])]);
    const expected = 'tick | tick 1\ntick | tick 2\ntick | tick 3\n';
    expect(a).toMatchObject({ code: 0, stdout: expected });
    expect(b).toMatchObject({ code: 0, stdout: expected });
    expect((await daemon.get(`/api/v1/instances/${id}`)).state).toBe('completed');
  });

  it('says so when the daemon cannot be reached or the token is wrong', async () => {
    const unreachable = await cli(['instances', '--server', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the daemon at http:\/\/127\.0\.0\.1:1/);
    const badToken = await cli(['instances', '--server', daemon.url, '--token', 'wrong-token-0123456789']);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/the bearer token is not valid/);
    // PIPELANE_SERVER and PIPELANE_TOKEN stand in for the flags; --data-dir still means the directory.
    const fromEnv = await cli(['instances', '--json'], { PIPELANE_SERVER: daemon.url, PIPELANE_TOKEN: TOKEN });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toEqual(JSON.parse((await cli(['instances', '--json', ...remote()])).stdout));
    const envWrongToken = await cli(['instances'], { PIPELANE_SERVER: daemon.url, PIPELANE_TOKEN: 'wrong-token-0123456789' });
    expect(envWrongToken.stderr).toMatch(/the bearer token is not valid/);
    expect((await cli(['instances', ...local()], { PIPELANE_SERVER: 'http://127.0.0.1:1' })).code).toBe(0);
  });

  it('refuses a second daemon on the same data directory before it deploys anything', async () => {
    const before = await daemon.get('/api/v1/deployments');
    const other = new Workspace().write('other.bpmn', ticker.replaceAll('ticker', 'other'));
    try {
      const second = await cli(['serve', '--models', other.modelsDir, '--data-dir', ws.dataDir, '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`in use by process ${daemon.pid}`);
      expect(await daemon.get('/api/v1/deployments')).toEqual(before);
    } finally {
      await other.dispose();
    }
  });
});

describe('pipelane serve refuses to start unsafely', { timeout: 60_000 }, () => {
  it('will not listen beyond loopback without a token (exit 2)', async () => {
    const ws = new Workspace().write('decide.bpmn', decide);
    try {
      const result = await cli(['serve', '--models', ws.modelsDir, '--data-dir', ws.dataDir, '--host', '0.0.0.0', '--port', '0'], { PIPELANE_TOKENS: '' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
      expect(result.stdout).toBe('');
    } finally {
      await ws.dispose();
    }
  });
});
