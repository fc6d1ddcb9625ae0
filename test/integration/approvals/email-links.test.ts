/**
 * The email channel against a real SMTP server on loopback: the mail, its
 * attachment, and the link driven over HTTP (prefetch GET, POST with CSRF,
 * replay, second click, forged and expired tokens, first decision wins).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { completeUserTask } from '../../../src/approvals/complete-task.js';
import { cli } from '../daemon/daemon.js';
import { linkIn, mailServerForFile } from './mail-server.js';
import { approvalModel, PEOPLE } from './models.js';
import { csrfIn, get, post, ScriptedRunner, World } from './world.js';

const REPORT = randomBytes(50_000);
const mail = mailServerForFile();
const { smtp } = mail;

describe('approval by emailed link', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  async function startWorld(task: Record<string, string>, sidecar: string): Promise<World> {
    world = new World({
      env: { PIPELANE_SMTP_URL: mail.url() },
      runner: new ScriptedRunner({ prepare: { outcome: { kind: 'completed', output: { auc: 0.83 } }, files: { 'out/report.bin': REPORT } } }),
    });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', task)).write('ship/ship.yaml', sidecar);
    await world.start();
    await world.deploy('ship/ship.bpmn');
    return world;
  }

  const SIDECAR = 'tasks:\n  approve:\n    approval:\n      context: [auc, owner]\n      attachments: [out/report.bin, missing.pdf]\n';

  it('mails the owner found by a dynamic assignment, with context and attachment; a GET never decides; the POST does, once', async () => {
    await startWorld({ 'camunda:assignee': '${owner}' }, SIDECAR);
    const id = await world.startInstance('ship', { owner: 'ada@example.com' });
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    expect(mail!.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
    expect(mail!.from).toMatchObject({ value: [{ address: 'pipelane@example.com' }] });
    expect(mail!.subject).toBe('Approve: Approve the model — ship');
    expect(mail!.text).toContain('auc: 0.83');
    expect(mail!.text).toContain('missing.pdf was not found in the workspace');
    expect(mail!.attachments.map((a) => a.filename)).toEqual(['report.bin']);
    expect(Buffer.compare(mail!.attachments[0]!.content, REPORT)).toBe(0);
    const link = linkIn(mail!);
    expect(link.startsWith(world.url)).toBe(true);

    // A mail scanner fetches the link: the page shows the task and decides nothing.
    const prefetch = await get(link);
    expect(prefetch.status).toBe(200);
    expect(prefetch.body).toContain('Approve the model');
    expect(prefetch.body).toContain('0.83');
    expect(world.openTask(id, 'approve').state).toBe('open');
    expect(world.history(id).some((h) => h.type === 'taskCompleted')).toBe(false);

    // A POST without the page's CSRF token (another site's form) changes nothing.
    expect((await post(link, { decision: 'approve' })).status).toBe(403);
    expect((await post(link, { decision: 'approve', csrf: csrfIn(prefetch.body) })).status).toBe(403);
    expect(world.openTask(id, 'approve').state).toBe('open');

    const page = await get(link);
    const form = { decision: 'approve', comment: 'AUC is fine', csrf: csrfIn(page.body) };
    const decided = await post(link, form, page.cookie);
    expect(decided.status).toBe(200);
    expect(decided.body).toContain('Approved');
    expect(world.instance(id)).toMatchObject({ status: 'completed', state: { variables: { approved: true, comment: 'AUC is fine' } } });
    const completion = world.history(id).find((h) => h.type === 'taskCompleted')!;
    expect(completion).toMatchObject({ actor: 'email:ada', data: { variables: { approved: true, comment: 'AUC is fine' } } });

    // The same POST again: refused, told who decided; nothing changes.
    const replay = await post(link, form, page.cookie);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatch(/already approved by ada \(email\) at \d{4}-/);
    expect(world.history(id).filter((h) => h.type === 'taskCompleted')).toHaveLength(1);

    // A second click on the link.
    const again = await get(link);
    expect(again.status).toBe(200);
    expect(again.body).toMatch(/already approved by ada \(email\) at \d{4}-\d\d-\d\dT/);
  });

  it('refuses a forged or expired link with a clear page and changes nothing', async () => {
    await startWorld({ 'camunda:assignee': 'ada' }, SIDECAR);
    const id = await world.startInstance('ship');
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    const link = linkIn(mail!);
    const forged = `${world.url}/approvals/${randomBytes(32).toString('base64url')}`;
    for (const res of [await get(forged), await post(forged, { decision: 'approve', csrf: 'x' }), await get(`${world.url}/approvals/short`)]) {
      expect(res.status).toBe(404);
      expect(res.body).toContain('This link is not valid');
    }
    const page = await get(link);
    world.clock.offset = 8 * 86_400_000;
    const expired = await get(link);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
    const late = await post(link, { decision: 'approve', csrf: csrfIn(page.body) }, page.cookie);
    expect(late.status).toBe(410);
    expect(world.openTask(id, 'approve').state).toBe('open');
  });

  it('lets the first decision win across channels: a link after a CLI completion, a second candidate after the first', async () => {
    await startWorld({ 'camunda:candidateUsers': 'ada, bob' }, SIDECAR);
    const id = await world.startInstance('ship');
    await smtp.waitFor((m) => m.text?.includes(id) === true, 2);
    const [ada, bob] = ['ada@example.com', 'bob@example.com'].map((to) => linkIn(smtp.to(to).find((m) => m.text?.includes(id))!));
    const bobPage = await get(bob!);
    const rejected = await post(bob!, { decision: 'reject', comment: 'drift too high', csrf: csrfIn(bobPage.body) }, bobPage.cookie);
    expect(rejected.status).toBe(200);
    expect(world.instance(id).state.variables).toMatchObject({ approved: false, comment: 'drift too high' });
    const adaPage = await get(ada!);
    expect(adaPage.body).toMatch(/already rejected by bob \(email\)/);

    const id2 = await world.startInstance('ship');
    const task = world.openTask(id2, 'approve');
    completeUserTask(world.store, task.id, { approved: true }, 'cli', Date.now());
    const [mail2] = await smtp.waitFor((m) => m.text?.includes(id2) === true);
    expect((await get(linkIn(mail2!))).body).toContain('already approved by cli at');
    expect(() => completeUserTask(world.store, task.id, { approved: false }, 'api:token1', Date.now())).toThrow(/already approved by cli at/);
    expect(world.history(id2).find((h) => h.type === 'taskCompletionRefused')).toMatchObject({ actor: 'api:token1' });
  });

  it('takes a rejection from the CLI with its reason; the emailed link then says who decided', async () => {
    await startWorld({ 'camunda:assignee': 'ada' }, SIDECAR);
    const id = await world.startInstance('ship');
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    const task = world.openTask(id, 'approve');
    const rejected = await cli(['tasks', 'reject', task.id, '--comment', 'wrong data', '--data-dir', world.dataDir]);
    expect(rejected).toMatchObject({ code: 0, stdout: `task ${task.id} rejected\n` });
    const again = await cli(['tasks', 'approve', task.id, '--data-dir', world.dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already rejected by cli at/);
    expect(world.history(id).find((h) => h.type === 'taskCompleted')).toMatchObject({ actor: 'cli', data: { variables: { approved: false, comment: 'wrong data' } } });
    expect((await get(linkIn(mail!))).body).toMatch(/already rejected by cli at/);
  });
});
