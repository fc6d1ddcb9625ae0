/**
 * The approvals service after a restart: a task that opened while no mail
 * server was configured is mailed once the daemon starts again with one; a
 * person already mailed is not mailed again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linkIn, mailServerForFile } from './mail-server.js';
import { approvalModel, PEOPLE } from './models.js';
import { World } from './world.js';

const mail = mailServerForFile();
const { smtp } = mail;

describe('approvals after a restart', { timeout: 30_000 }, () => {
  const worlds: World[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.close();
  });

  it('reaches the people of tasks that opened before, once', async () => {
    const first = new World();
    worlds.push(first);
    first.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:assignee': 'ada' }));
    await first.start();
    await first.deploy('ship/ship.bpmn');
    const id = await first.startInstance('ship');
    expect(first.openTask(id, 'approve')).toBeDefined();
    expect(smtp.to('ada@example.com').filter((m) => m.text?.includes(id))).toEqual([]);
    await first.close({ keep: true });
    worlds.splice(0);

    const second = new World({ root: first.root, env: { PIPELANE_SMTP_URL: mail.url() } });
    worlds.push(second);
    await second.start();
    const [sent] = await smtp.waitFor((m) => m.subject?.startsWith('Approve:') === true && m.text?.includes(id) === true);
    expect(linkIn(sent!)).toContain('/approvals/');
    await second.close({ keep: true });
    worlds.splice(0);

    // A third start finds ada mailed: nothing goes out again.
    const third = new World({ root: first.root, env: { PIPELANE_SMTP_URL: mail.url() } });
    worlds.push(third);
    await third.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to('ada@example.com').filter((m) => m.text?.includes(id))).toHaveLength(1);
    // The restart without a mail server noted nothing more than the task's opening did.
    expect(third.history(id).filter((h) => JSON.stringify(h.data).includes('no SMTP server'))).toHaveLength(1);
  });
});
