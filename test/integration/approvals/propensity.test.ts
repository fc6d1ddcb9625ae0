/**
 * The propensity example end to end, on the daemon with real Docker and a
 * real SMTP peer: fetch (Python), train (R), the dataset's owner (named by
 * the fetch output: a dynamic assignment) approves by the emailed link,
 * deploy (Python). A failed fetch mails the failure notice to the team.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { Daemon, ROOT, Workspace } from '../daemon/daemon.js';
import { addresses, linkIn, MailServer } from './mail-server.js';
import { csrfIn, get, post } from './world.js';

const docker = await dockerAvailable();

describe.skipIf(!docker)('examples/propensity on the daemon', { timeout: 180_000 }, () => {
  let smtp: MailServer;
  let ws: Workspace;
  let daemon: Daemon;
  beforeAll(async () => {
    smtp = new MailServer();
    const smtpUrl = await smtp.start();
    ws = new Workspace();
    // examples/ is the repository (as the daemon image and the examples test have it): pipelane.yaml is found beside the model.
    cpSync(join(ROOT, 'examples'), ws.modelsDir, { recursive: true });
    daemon = await new Daemon(ws, { PIPELANE_SMTP_URL: smtpUrl }).start();
  });
  afterAll(async () => {
    await daemon?.kill('SIGTERM');
    await ws?.dispose();
    await smtp?.close();
  });

  it('trains, mails the owner the report, deploys once the owner approves by the link', async () => {
    const started = await daemon.request('POST', '/api/v1/processes/propensity/instances', { variables: {} });
    expect(started.status).toBe(201);
    const id: string = started.body.id;
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true, 1, 120_000);
    expect(addresses(mail!)).toEqual(['ada@example.com']);
    expect(mail!.subject).toBe('Approve: Approve deployment of the propensity model — Propensity model');
    expect(mail!.text).toMatch(/auc: 0\.\d+/);
    expect(mail!.text).toContain('rows: 400');
    const report = mail!.attachments.find((a) => a.filename === 'report.html');
    expect(report?.content.toString()).toContain('AUC on the test rows');
    expect(Buffer.compare(report!.content, Buffer.from(ws.workspaceFile(id, 'report.html')!))).toBe(0);

    const link = linkIn(mail!);
    expect(link.startsWith(daemon.url)).toBe(true);
    const page = await get(link);
    expect(page.body).toContain('Approve deployment of the propensity model');
    const task = (await daemon.get(`/api/v1/tasks?instance=${id}`)).items[0];
    expect(task).toMatchObject({ state: 'open', assignment: { 'camunda:assignee': '${owner}' } });

    expect((await post(link, { decision: 'approve', comment: 'AUC is good enough', csrf: csrfIn(page.body) }, page.cookie)).status).toBe(200);
    const done = await daemon.waitForInstance(id, (i) => i.state !== 'running', 120_000);
    expect(done.state).toBe('completed');
    expect(done.variables).toMatchObject({ owner: 'ada@example.com', approved: true, comment: 'AUC is good enough', deployed: true });
    expect(done.history.find((h: { type: string }) => h.type === 'taskNotified')).toMatchObject({ data: { channel: 'email', to: ['ada'] } });
    expect(JSON.parse(ws.workspaceFile(id, 'release/release.json')!)).toMatchObject({ model: 'propensity', comment: 'AUC is good enough' });
    const decision = done.history.find((h: { type: string }) => h.type === 'taskCompleted');
    expect(decision).toMatchObject({ actor: 'email:ada', data: { variables: { approved: true } } });

    // The CLI comes too late: it is told who decided.
    const late = await daemon.request('POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/complete`, { variables: { approved: false } });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/already approved by ada \(email\) at/);
  });

  it('mails the failure notice with the error and the log when the fetch fails', async () => {
    const started = await daemon.request('POST', '/api/v1/processes/propensity/instances', { variables: { source: 'data/missing.csv' } });
    const id: string = started.body.id;
    const notices = await smtp.waitFor((m) => m.subject === `Pipeline failed: Propensity model at fetch (instance ${id})`, 2, 120_000);
    expect(notices.flatMap(addresses).sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect(notices[0]!.text).toContain('fetch: the source data/missing.csv does not exist in the repository');
    expect(notices[0]!.text).toMatch(/exit(ed)? (with )?code 2/);
    const instance = await daemon.get(`/api/v1/instances/${id}`);
    expect(instance.incidents[0]).toMatchObject({ element: 'fetch' });
  });
});
