/**
 * Assignment from pipelane.yaml: an unknown assignee is an incident (and a
 * failure notice), groups and due dates reach the mail, a non-interrupting
 * timer boundary reminds and reassigns, a failed script sends the failure
 * notice with its last log lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linkIn, mailServerForFile } from './mail-server.js';
import { approvalModel, PEOPLE, reminderBoundary } from './models.js';
import { csrfIn, get, post, ScriptedRunner, World, type Scripted } from './world.js';

const mail = mailServerForFile();
const { smtp } = mail;

describe('assignment, reminders and failure notices', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  async function startWorld(model: string, sidecar: string, scripted: Record<string, Scripted> = {}): Promise<World> {
    world = new World({ env: { PIPELANE_SMTP_URL: mail.url() }, runner: new ScriptedRunner(scripted) });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', model).write('ship/ship.yaml', sidecar);
    await world.start();
    await world.deploy('ship/ship.bpmn');
    return world;
  }

  it('raises an incident naming the task and the value for an unknown assignee, mails onFailure, and opens the task after a fix and a retry', async () => {
    await startWorld(approvalModel('ship', { 'camunda:assignee': '${owner}' }), 'notifications:\n  onFailure: [ops]\n');
    const id = await world.startInstance('ship', { owner: 'nobody@example.com' });
    const [incident] = Object.values(world.instance(id).state.incidents);
    expect(incident).toMatchObject({ elementId: 'approve' });
    expect(incident!.message).toContain('user task "Approve the model" (approve)');
    expect(incident!.message).toContain('the assignee "nobody@example.com" (from ${owner}) is not a person of pipelane.yaml');
    expect(world.store.listUserTasks({ instanceId: id, state: 'open' })).toEqual([]);
    const notices = await smtp.waitFor((m) => m.subject?.startsWith('Pipeline failed: ship at approve') === true && m.text?.includes(id) === true, 2);
    expect(notices.flatMap((m) => (Array.isArray(m.to) ? m.to : [m.to!]).flatMap((t) => t.value.map((v) => v.address))).sort()).toEqual(['bob@example.com', 'ops@example.com']);
    expect(notices[0]!.text).toContain('"nobody@example.com"');

    world.runtime.send(id, { type: 'setVariables', at: Date.now(), variables: { owner: 'ada' } }, 'test');
    world.runtime.send(id, { type: 'retry', at: Date.now(), incidentId: incident!.id }, 'test');
    await world.settle();
    expect(world.openTask(id, 'approve')).toBeDefined();
    await smtp.waitFor((m) => m.subject?.startsWith('Approve:') === true && m.text?.includes(id) === true);
  });

  it('raises an incident when the assignee expression gives no name, instead of a task for nobody', async () => {
    await startWorld(approvalModel('ship', { 'camunda:assignee': '${owner}' }), 'notifications:\n  onFailure: [ops]\n');
    const id = await world.startInstance('ship', { region: 'eu' });
    const [incident] = Object.values(world.instance(id).state.incidents);
    expect(incident).toMatchObject({ elementId: 'approve' });
    expect(incident!.message).toBe('user task "Approve the model" (approve) cannot be assigned: its assignee "${owner}" gives null, no name; set the variable, or leave the attribute out.');
    expect(world.store.listUserTasks({ instanceId: id, state: 'open' })).toEqual([]);
    await smtp.waitFor((m) => m.subject?.startsWith('Pipeline failed: ship at approve') === true && m.text?.includes(id) === true, 2);
    expect(smtp.mails.filter((m) => m.subject?.startsWith('Approve:') && m.text?.includes(id))).toEqual([]);
  });

  it('reaches a candidate group, shows the due date, and notes a person without an email address', async () => {
    await startWorld(approvalModel('ship', { 'camunda:candidateGroups': 'leads', 'camunda:candidateUsers': 'dee', 'camunda:dueDate': 'P2D' }), '');
    const id = await world.startInstance('ship');
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    expect(smtp.to('cy@example.com').some((m) => m.text?.includes(id))).toBe(true);
    expect(mail!.text).toMatch(/Due: \d{4}-\d\d-\d\dT/);
    expect(world.history(id).find((h) => h.type === 'notificationFailed')?.data['message']).toContain('dee of task "Approve the model"');
    expect(world.approvals.getAssignment(world.openTask(id, 'approve').id)?.assignment).toMatchObject({ candidateUsers: ['dee'], candidateGroups: ['leads'] });
  });

  it('reminds from one non-interrupting timer and reassigns to the group from another; the old link stops working', async () => {
    const model = approvalModel('ship', { 'camunda:assignee': 'ada' }, {
      boundaries: [...reminderBoundary('remind', 'PT1S'), ...reminderBoundary('escalate', 'PT2S')],
      extraFlows: [['remind', 'remind_end'], ['escalate', 'escalate_end']],
    });
    await startWorld(model, 'tasks:\n  approve:\n    approval:\n      timers:\n        escalate: { reassignTo: [leads] }\n');
    const id = await world.startInstance('ship');
    const [first] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    const [reminder] = await smtp.waitFor((m) => m.subject?.startsWith('Reminder: Approve: Approve the model') === true && m.text?.includes(id) === true);
    expect(reminder!.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
    const [escalated] = await smtp.waitFor((m) => m.subject?.startsWith('Escalated to you:') === true && m.text?.includes(id) === true);
    expect(escalated!.to).toMatchObject({ value: [{ address: 'cy@example.com' }] });
    await world.settle();
    expect((await get(linkIn(first!))).status).toBe(410);
    expect(world.history(id).find((h) => h.type === 'taskReassigned')).toMatchObject({ data: { by: 'escalate', to: ['leads'] } });
    const page = await get(linkIn(escalated!));
    expect((await post(linkIn(escalated!), { decision: 'approve', csrf: csrfIn(page.body) }, page.cookie)).status).toBe(200);
    expect(world.instance(id)).toMatchObject({ status: 'completed', state: { variables: { approved: true } } });
  });

  it('sends the failure notice with the error and the last log lines of the failed task', async () => {
    const failing: Scripted = {
      outcome: { kind: 'failed', reason: 'exit', exitCode: 1, message: 'exit code 1', stderrTail: ['ConnectionError: warehouse unreachable'] },
      log: ['fetching rows', 'Traceback (most recent call last):', 'ConnectionError: warehouse unreachable'],
    };
    await startWorld(approvalModel('ship', { 'camunda:assignee': 'ada' }), 'retries: { count: 0 }\nnotifications:\n  onFailure: [ada, oncall@example.com]\n', { prepare: failing });
    const id = await world.startInstance('ship');
    const notices = await smtp.waitFor((m) => m.subject === `Pipeline failed: ship at prepare (instance ${id})`, 2);
    expect(notices[0]!.text).toContain('exit code 1');
    expect(notices[0]!.text).toContain('! ConnectionError: warehouse unreachable');
    expect(notices[0]!.text).toContain(`${world.url}/api/v1/instances/${id}`);
    // The server has the mails before the notifier hears it accepted them.
    await world.settle();
    expect(world.history(id).find((h) => h.type === 'failureNotified')).toMatchObject({ data: { to: ['ada@example.com', 'oncall@example.com'] } });
  });
});
