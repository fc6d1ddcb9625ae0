import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { Daemon, TOKEN, Workspace, historyOf } from './daemon.js';
import { bigOrder, decide, prepareThenReview, reviewThenReport, startedByOrder, waitForPayment } from './models.js';

const docker = await dockerAvailable();
/** A named token: the history names who used it. */
const ADA_TOKEN = 'ada-token-0123456789abcdef';

describe('the REST API, end to end against the daemon process', { timeout: 120_000 }, () => {
  let ws: Workspace;
  let daemon: Daemon;
  beforeAll(async () => {
    ws = new Workspace()
      .write('review.bpmn', reviewThenReport)
      .write('decide.bpmn', decide)
      .write('prepare.bpmn', prepareThenReview)
      .write('big-order.bpmn', bigOrder)
      .write('payment.bpmn', waitForPayment)
      .write('order.bpmn', startedByOrder)
      .write('broken.bpmn', '<definitions><process id="broken"');
    daemon = await new Daemon(ws, { PIPELANE_TOKENS: `${TOKEN}, ada=${ADA_TOKEN}` }, TOKEN).start();
  });
  afterAll(async () => {
    await daemon?.kill('SIGTERM');
    await ws?.dispose();
  });

  it.skipIf(!docker)('takes an instance through a user task and a script task to its end; logs and metrics follow', async () => {
    const started = await daemon.request('POST', '/api/v1/processes/review/instances', { variables: { region: 'eu' } });
    expect(started.status).toBe(201);
    const id: string = started.body.id;

    const list = await daemon.get('/api/v1/instances?process=review&state=running');
    expect(list.items.map((i: any) => i.id)).toContain(id);
    expect(list.items.find((i: any) => i.id === id)).toMatchObject({ process: 'review', state: 'running', openIncidents: 0, variables: { region: 'eu' } });

    const tasks = await daemon.get(`/api/v1/tasks?state=open&instance=${id}`);
    expect(tasks.items).toHaveLength(1);
    const task = tasks.items[0];
    expect(task).toMatchObject({ instanceId: id, element: 'approve', name: 'Approve the report', state: 'open' });

    const completed = await daemon.request('POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/complete`, { variables: { approved: true } });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ state: 'completed', completedBy: 'api:token1' });
    const again = await daemon.request('POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/complete`, { variables: { approved: false } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(again.body.message).toMatch(/already \w+ by .*token1.* at \d{4}-/);

    // The live stream ends once the script job has ended.
    const stream = await fetch(`${daemon.url}/api/v1/instances/${id}/logs?follow=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await stream.text();
    expect(events).toMatch(/event: log\ndata: .*"text":"report for \{.*\\"approved\\":true/);
    expect(events.trimEnd()).toMatch(/event: end\ndata: .*$/);

    const instance = await daemon.waitForInstance(id, (i) => i.state === 'completed');
    expect(instance).toMatchObject({ id, process: 'review', variables: { region: 'eu', approved: true }, incidents: [] });
    expect(instance.deploymentId).toMatch(/^review\.bpmn@/);
    expect(instance.jobs).toEqual([expect.objectContaining({ element: 'report', state: 'completed', attempt: 1 })]);
    expect(historyOf(instance, 'taskCompleted')).toHaveLength(1);
    expect(historyOf(instance, 'jobCompleted')).toHaveLength(1);

    const logs = await daemon.get(`/api/v1/instances/${id}/logs?task=report`);
    // stdout and stderr are separate pipes: their relative order is the engine's timestamps'.
    expect(logs).toHaveLength(2);
    expect(logs).toEqual(expect.arrayContaining([
      expect.objectContaining({ jobId: instance.jobs[0].id, element: 'report', stream: 'stdout', text: expect.stringMatching(/^report for /), at: expect.any(String) }),
      expect.objectContaining({ jobId: instance.jobs[0].id, element: 'report', stream: 'stderr', text: 'warning: sample' }),
    ]));
    expect(await daemon.get(`/api/v1/instances/${id}/logs?task=nothing`)).toEqual([]);

    const metrics = await daemon.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^pipelane_instances\{process="review",state="completed"\} 1$/m);
    expect(metrics.text).toMatch(/^pipelane_job_duration_seconds_count\{outcome="completed"\} 1$/m);
    expect(metrics.text).toMatch(/^pipelane_job_queue_depth 0$/m);
    expect(metrics.text).toMatch(/^pipelane_open_incidents 0$/m);
  });

  it('asks for a bearer token everywhere but /healthz', async () => {
    expect((await daemon.request('GET', '/healthz', undefined, { token: null })).body).toEqual({ status: 'ok' });
    for (const path of ['/api/v1/instances', '/metrics', '/api/v1/deployments', '/api/v1/no-such-thing']) {
      const none = await daemon.request('GET', path, undefined, { token: null });
      expect(none.status).toBe(401);
      expect(none.body.code).toBe('UNAUTHORIZED');
      const bad = await daemon.request('GET', path, undefined, { token: 'not-the-token-0123456789' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ code: 'UNAUTHORIZED', message: 'the bearer token is not valid.' });
    }
  });

  it.skipIf(!docker)('ends the live log stream when the last job ends, though the instance waits on at a user task', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/prepare/instances', {})).body;
    const stream = await fetch(`${daemon.url}/api/v1/instances/${id}/logs?follow=1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(30_000),
    });
    const events = await stream.text();
    expect(events).toMatch(/event: log\ndata: .*"text":"prepared"/);
    expect(events.trimEnd()).toMatch(/event: end\ndata: \{"instanceId":"[^"]+","state":"running"\}$/);
    expect((await daemon.get(`/api/v1/tasks?state=open&instance=${id}`)).items).toHaveLength(1);
  });

  it('starts the processes whose conditional start events the variables satisfy', async () => {
    const small = await daemon.request('POST', '/api/v1/conditions', { variables: { amount: 5 } });
    expect(small).toMatchObject({ status: 200, body: { started: [], failed: [] } });
    const big = await daemon.request('POST', '/api/v1/conditions', { variables: { amount: 150 } });
    expect(big.body.started).toEqual([{ processId: 'big-order', elementId: 'big', instanceId: expect.any(String) }]);
    const instance = await daemon.get(`/api/v1/instances/${big.body.started[0].instanceId}`);
    expect(instance).toMatchObject({ process: 'big-order', state: 'running', variables: { amount: 150 } });
    expect((await daemon.request('POST', '/api/v1/conditions', { variables: { amount: 150 }, processId: 'decide' })).body.started).toEqual([]);
    expect((await daemon.request('POST', '/api/v1/conditions', { processId: 7 })).status).toBe(400);
  });

  it('names a request by its token: api:token1 for a bare one, api:<name> for name=token', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/decide/instances', {}, { token: ADA_TOKEN })).body;
    const [task] = (await daemon.get(`/api/v1/tasks?state=open&instance=${id}`)).items;
    const done = await daemon.request('POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/complete`, { variables: { approved: true } }, { token: ADA_TOKEN });
    expect(done.body).toMatchObject({ completedBy: 'api:ada' });
    const instance = await daemon.get(`/api/v1/instances/${id}`);
    expect(historyOf(instance, 'start')).toEqual([expect.objectContaining({ actor: 'api:ada' })]);
    expect(JSON.stringify(instance)).not.toContain(ADA_TOKEN);
  });

  it('answers bad requests with a 4xx and a JSON code and message', async () => {
    const badJson = await daemon.request('POST', '/api/v1/processes/decide/instances', undefined, { raw: '{"variables": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.code).toBe('BAD_REQUEST');
    expect(badJson.text).not.toMatch(/\bat .*\.ts:\d+/);

    const notObject = await daemon.request('POST', '/api/v1/processes/decide/instances', { variables: [1, 2] });
    expect(notObject.status).toBe(400);

    const unknownProcess = await daemon.request('POST', '/api/v1/processes/nope/instances', { variables: {} });
    expect(unknownProcess.status).toBe(404);
    expect(unknownProcess.body).toMatchObject({ code: 'PROCESS_NOT_FOUND', message: expect.stringContaining('"nope"') });

    // The invalid file was not deployed; the valid ones were.
    const deployments = await daemon.get('/api/v1/deployments');
    expect(deployments.items.map((d: any) => d.file).sort()).toEqual(['big-order.bpmn', 'decide.bpmn', 'order.bpmn', 'payment.bpmn', 'prepare.bpmn', 'review.bpmn']);
    expect((await daemon.request('POST', '/api/v1/processes/broken/instances', {})).status).toBe(404);

    expect((await daemon.request('GET', '/api/v1/nothing-here')).body.code).toBe('ROUTE_NOT_FOUND');
    expect((await daemon.request('GET', '/api/v1/instances/does-not-exist')).status).toBe(404);
    expect((await daemon.request('GET', '/api/v1/instances?state=sleeping')).status).toBe(400);
    expect((await daemon.request('GET', '/api/v1/instances?limit=0')).status).toBe(400);
    expect((await daemon.request('GET', '/api/v1/instances?cursor=garbage')).status).toBe(400);
    expect((await daemon.request('DELETE', '/api/v1/instances')).status).toBe(405);
    // Targets that a URL parser would read as a host ("//", "//x/y") are paths: empty segments fold.
    expect((await daemon.request('GET', '//')).status).toBe(200);
    expect((await daemon.request('GET', '//api/v1/nothing-here')).body.code).toBe('ROUTE_NOT_FOUND');

    const big = await daemon.request('POST', '/api/v1/processes/decide/instances', undefined, { raw: JSON.stringify({ variables: { blob: 'x'.repeat(1024 * 1024 + 10) } }) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await daemon.request('GET', '/healthz')).status).toBe(200);
  });

  it('pages through instances with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await daemon.request('POST', '/api/v1/processes/decide/instances', { variables: { i } })).body.id);
    const first = await daemon.get('/api/v1/instances?process=decide&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await daemon.get(`/api/v1/instances?process=decide&limit=2&cursor=${first.nextCursor}`);
    const seen = [...first.items, ...second.items].map((i: any) => i.id);
    for (const id of ids) expect(seen).toContain(id);
  });

  it('cancels an instance (its task closes) and refuses what cannot be retried', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body;
    const cancel = await daemon.request('POST', `/api/v1/instances/${id}/cancel`, {});
    expect(cancel.body).toEqual({ id, state: 'cancelled' });
    expect((await daemon.request('POST', `/api/v1/instances/${id}/cancel`, {})).status).toBe(409);
    const tasks = await daemon.get(`/api/v1/tasks?state=all&instance=${id}`);
    expect(tasks.items.map((t: any) => t.state)).toEqual(['cancelled']);
    expect((await daemon.request('POST', `/api/v1/instances/${id}/retry`, {})).status).toBe(409);
    expect((await daemon.request('POST', `/api/v1/instances/${id}/incidents/nope/retry`, {})).body.code).toBe('INCIDENT_NOT_FOUND');
    expect((await daemon.request('POST', '/api/v1/jobs/nope/retry', {})).body.code).toBe('JOB_NOT_FOUND');
    const instance = await daemon.get(`/api/v1/instances/${id}`);
    expect(instance.state).toBe('cancelled');
    expect(historyOf(instance, 'cancel')).toEqual([expect.objectContaining({ actor: 'api:token1' })]);
  });

  it('correlates a message to the instance that waits for it, or starts a process with it; 404 when nothing matches', async () => {
    const { id } = (await daemon.request('POST', '/api/v1/processes/payment/instances', {})).body;
    const paid = await daemon.request('POST', '/api/v1/messages', { name: 'Paid', correlationKey: 'order-1', variables: { amount: 12 } });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ result: 'delivered', instanceId: id });
    expect(await daemon.waitForInstance(id, (i) => i.state === 'completed')).toMatchObject({ variables: { amount: 12 } });

    const order = await daemon.request('POST', '/api/v1/messages', { name: 'Order', variables: { sku: 'a-1' } });
    expect(order.status).toBe(201);
    expect(order.body.result).toBe('started');
    expect(await daemon.get(`/api/v1/instances/${order.body.instanceId}`)).toMatchObject({ process: 'order', state: 'completed', variables: { sku: 'a-1' } });

    const nobody = await daemon.request('POST', '/api/v1/messages', { name: 'Paid', variables: {} });
    expect(nobody.status).toBe(404);
    expect(nobody.body.code).toBe('MESSAGE_NOT_CORRELATED');
    expect((await daemon.request('POST', '/api/v1/messages', { variables: {} })).status).toBe(400);
  });
});
