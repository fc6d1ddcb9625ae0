/**
 * The approvals service after a restart: a task that opened while no mail
 * server was configured is not noted again by a restart without one, is
 * mailed once the daemon starts with one, and is not mailed again after.
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

    // A restart still without a mail server does not note again that the task was not mailed.
    const again = new World({ root: first.root });
    worlds.push(again);
    await again.start();
    expect(again.history(id).filter((h) => JSON.stringify(h.data).includes('no SMTP server'))).toHaveLength(1);
    await again.close({ keep: true });
    worlds.splice(0);

    // With a mail server, the next start mails ada.
    const second = new World({ root: first.root, env: { PIPELANE_SMTP_URL: mail.url() } });
    worlds.push(second);
    await second.start();
    const [sent] = await smtp.waitFor((m) => m.subject?.startsWith('Approve:') === true && m.text?.includes(id) === true);
    expect(linkIn(sent!)).toContain('/approvals/');
    await second.close({ keep: true });
    worlds.splice(0);

    // The start after that finds ada mailed: nothing goes out again.
    const third = new World({ root: first.root, env: { PIPELANE_SMTP_URL: mail.url() } });
    worlds.push(third);
    await third.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to('ada@example.com').filter((m) => m.text?.includes(id))).toHaveLength(1);
  });
});
