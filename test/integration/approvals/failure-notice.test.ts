/**
 * The failure notice survives an SMTP outage: with the server down when the
 * incident happens, the notice is tried again and arrives once the server is
 * back, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MailServer } from './mail-server.js';
import { approvalModel, PEOPLE } from './models.js';
import { ScriptedRunner, World } from './world.js';

describe('failure notice during an SMTP outage', { timeout: 30_000 }, () => {
  let world: World;
  let smtp: MailServer | undefined;
  afterEach(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('is sent when the server is back', async () => {
    // A port that refuses connections: a server that listened there and stopped.
    const down = new MailServer();
    const url = await down.start();
    await down.close();
    world = new World({
      env: { PIPELANE_SMTP_URL: url },
      runner: new ScriptedRunner({ prepare: { outcome: { kind: 'failed', reason: 'exit', exitCode: 1, message: 'exit code 1', stderrTail: [] }, log: ['warehouse unreachable'] } }),
      approvals: { retryDelaysMs: [300, 300, 300] },
    });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:assignee': 'ada' }));
    world.write('ship/ship.yaml', 'notifications:\n  onFailure: [ada]\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship');
    for (let i = 0; i < 50 && !world.history(id).some((h) => h.type === 'notificationFailed'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(world.history(id).find((h) => h.type === 'notificationFailed')?.data['message']).toMatch(/the failure notice could not be sent: the mail to ada@example.com could not be sent through smtp:\/\/127\.0\.0\.1:\d+/);
    expect(world.history(id).some((h) => h.type === 'failureNotified')).toBe(false);

    smtp = new MailServer();
    await smtp.start(Number(new URL(url).port));
    const [notice] = await smtp.waitFor((m) => m.subject === `Pipeline failed: ship at prepare (instance ${id})`);
    expect(notice!.text).toContain('warehouse unreachable');
    await new Promise((r) => setTimeout(r, 700));
    await world.settle();
    expect(smtp.mails.filter((m) => m.text?.includes(id))).toHaveLength(1);
    expect(world.history(id).filter((h) => h.type === 'failureNotified')).toMatchObject([{ data: { to: ['ada@example.com'] } }]);
  });
});
