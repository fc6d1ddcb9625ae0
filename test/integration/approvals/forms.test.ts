/**
 * Forms over the emailed link: camunda:formData and form-js files (each way
 * a model names one), refused with a message per field (the link stays
 * usable), accepted as typed variables; the same check for the CLI; a task
 * without a form takes nothing but the decision; a quorum of two by email.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { completeUserTask } from '../../../src/approvals/complete-task.js';
import { linkIn, mailServerForFile } from './mail-server.js';
import { approvalModel, FORM_DATA, PEOPLE } from './models.js';
import { csrfIn, get, post, World } from './world.js';

const mail = mailServerForFile();
const { smtp } = mail;

const REVIEW_FORM = JSON.stringify({
  id: 'review', type: 'default', schemaVersion: 16,
  components: [
    { type: 'checkbox', key: 'approved', label: 'Approved' },
    { type: 'group', label: 'Details', components: [{ type: 'textfield', key: 'reason', label: 'Reason', validate: { required: true, minLength: 5 } }] },
    { type: 'text', text: '# Review' },
  ],
});

describe('forms and quorum by email', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  async function startWorld(model: string, files: Record<string, string> = {}): Promise<World> {
    world = new World({ env: { PIPELANE_SMTP_URL: mail.url() } });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', model);
    for (const [path, text] of Object.entries(files)) world.write(path, text);
    await world.start();
    await world.deploy('ship/ship.bpmn');
    return world;
  }

  async function open(id: string): Promise<{ link: string; page: Awaited<ReturnType<typeof get>> }> {
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    const link = linkIn(mail!);
    return { link, page: await get(link) };
  }

  it('refuses bad camunda:formData values with a message per field, then accepts typed values', async () => {
    await startWorld(approvalModel('ship', { 'camunda:assignee': 'ada' }, { taskBody: FORM_DATA }));
    const id = await world.startInstance('ship');
    const { link, page } = await open(id);
    expect(page.body).toContain('name="amount"');
    expect(page.body).toContain('<option value="us"');
    const bad = await post(link, { csrf: csrfIn(page.body), decision: 'submit', amount: '500', ticket: 'ops 1', start: '2026-02-30', region: 'mars' }, page.cookie);
    expect(bad.status).toBe(422);
    for (const message of ['Amount must be at most 100.', 'Ticket must match the pattern', 'Start date must be a date such as 2026-03-01', 'Region must be one of eu, us']) expect(bad.body).toContain(message);
    expect(world.openTask(id, 'approve').state).toBe('open');
    const good = await post(link, { csrf: csrfIn(page.body), decision: 'submit', amount: '42', ticket: 'OPS-1', start: '2026-03-01', region: 'us', urgent: 'true' }, page.cookie);
    expect(good.status).toBe(200);
    expect(world.instance(id).state.variables).toMatchObject({ amount: 42, ticket: 'OPS-1', start: '2026-03-01', region: 'us', urgent: true });

    const id2 = await world.startInstance('ship');
    const task = world.openTask(id2, 'approve');
    expect(() => completeUserTask(world.store, task.id, { amount: 0 }, 'cli', Date.now())).toThrow(/Amount must be at least 1\./);
    expect(() => completeUserTask(world.store, task.id, { amount: 5, colour: 'red' }, 'cli', Date.now())).toThrow(/"colour" is not a field of this form/);
    completeUserTask(world.store, task.id, { amount: '7' }, 'cli', Date.now());
    expect(world.instance(id2).state.variables).toMatchObject({ amount: 7, region: 'eu', urgent: false });
  });

  it('takes an approval form from a form-js file: approving needs the required field, rejecting does not', async () => {
    await startWorld(approvalModel('ship', { 'camunda:assignee': 'ada', 'camunda:formKey': 'camunda-forms:deployment:review.form' }), { 'ship/review.form': REVIEW_FORM });
    const id = await world.startInstance('ship');
    const { link, page } = await open(id);
    expect(page.body).toContain('name="reason"');
    expect(page.body).not.toContain('name="approved"');
    const short = await post(link, { csrf: csrfIn(page.body), decision: 'approve', reason: 'ok' }, page.cookie);
    expect(short.status).toBe(422);
    expect(short.body).toContain('Reason must have at least 5 characters.');
    const rejected = await post(link, { csrf: csrfIn(page.body), decision: 'reject', comment: 'not now' }, page.cookie);
    expect(rejected.status).toBe(200);
    expect(world.instance(id).state.variables).toMatchObject({ approved: false, comment: 'not now' });
  });

  it('reads a form-js file named by camunda-forms:app:, by a plain .form path, and by zeebe:formId', async () => {
    const zeebeForm = '<extensionElements><zeebe:formDefinition xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" formId="review"/></extensionElements>';
    world = new World({ env: { PIPELANE_SMTP_URL: mail.url() } });
    world.write('pipelane.yaml', PEOPLE).write('forms/shared.form', REVIEW_FORM).write('ship/review.form', REVIEW_FORM);
    world.write('ship/app.bpmn', approvalModel('app', { 'camunda:assignee': 'ada', 'camunda:formKey': 'camunda-forms:app:forms/shared.form' }));
    world.write('ship/plain.bpmn', approvalModel('plain', { 'camunda:assignee': 'ada', 'camunda:formKey': 'review.form' }));
    world.write('ship/zeebe.bpmn', approvalModel('zeebe', { 'camunda:assignee': 'ada' }, { taskBody: zeebeForm }));
    await world.start();
    for (const file of ['app', 'plain', 'zeebe']) await world.deploy(`ship/${file}.bpmn`);
    for (const processId of ['app', 'plain', 'zeebe']) {
      const id = await world.startInstance(processId);
      const { link, page } = await open(id);
      expect(page.body, processId).toContain('name="reason"');
      const short = await post(link, { csrf: csrfIn(page.body), decision: 'approve', reason: 'ok' }, page.cookie);
      expect(short.status, processId).toBe(422);
      expect(short.body).toContain('Reason must have at least 5 characters.');
      expect((await post(link, { csrf: csrfIn(page.body), decision: 'approve', reason: 'fine by me' }, page.cookie)).status, processId).toBe(200);
      expect(world.instance(id).state.variables, processId).toMatchObject({ approved: true, reason: 'fine by me' });
    }
  });

  it('takes only the decision and the comment for a task without a form: another field is refused', async () => {
    await startWorld(approvalModel('ship', { 'camunda:assignee': 'ada' }));
    const id = await world.startInstance('ship');
    const { link, page } = await open(id);
    const forged = await post(link, { csrf: csrfIn(page.body), decision: 'approve', comment: 'ok', deployTarget: 'prod', approved: 'true' }, page.cookie);
    expect(forged.status).toBe(422);
    expect(forged.body).toContain('&quot;deployTarget&quot; is not a field of this task: a task without a form takes only the decision and a comment.');
    expect(world.openTask(id, 'approve').state).toBe('open');
    expect((await post(link, { csrf: csrfIn(page.body), decision: 'approve', comment: 'ok' }, page.cookie)).status).toBe(200);
    expect(world.instance(id).state.variables).toEqual({ approved: true, comment: 'ok' });
  });

  it('needs two approvals with a quorum of 2; each person counts once', async () => {
    world = new World({ env: { PIPELANE_SMTP_URL: mail.url() } });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:candidateUsers': 'ada,bob,cy' }));
    world.write('ship/ship.yaml', 'tasks:\n  approve:\n    approval: { quorum: 2 }\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship');
    await smtp.waitFor((m) => m.text?.includes(id) === true, 3);
    const linkOf = (to: string) => linkIn(smtp.to(to).find((m) => m.text?.includes(id))!);
    const adaPage = await get(linkOf('ada@example.com'));
    const first = await post(linkOf('ada@example.com'), { csrf: csrfIn(adaPage.body), decision: 'approve', comment: 'fine by me' }, adaPage.cookie);
    expect(first.body).toContain('1 of 2 approvals so far');
    expect(world.openTask(id, 'approve').state).toBe('open');
    const replay = await post(linkOf('ada@example.com'), { csrf: csrfIn(adaPage.body), decision: 'approve' }, adaPage.cookie);
    expect(replay.status).toBe(409);
    expect(replay.body).toContain('Your decision was recorded at');
    const bobPage = await get(linkOf('bob@example.com'));
    expect(bobPage.body).toContain('1 of 2 approvals so far');
    await post(linkOf('bob@example.com'), { csrf: csrfIn(bobPage.body), decision: 'approve', comment: 'agreed' }, bobPage.cookie);
    expect(world.instance(id)).toMatchObject({ status: 'completed', state: { variables: { approved: true, comment: 'fine by me\nagreed' } } });
    expect(world.history(id).filter((h) => h.type === 'approvalVote').map((h) => h.actor)).toEqual(['email:ada', 'email:bob']);
    expect((await get(linkOf('cy@example.com'))).body).toContain('already approved by bob (email)');
  });
});
