/**
 * Workspace files a task shows people, against a real SMTP server: the size
 * cap of a mail's attachments, the download route of the approval page, and
 * files a script made into symlinks pointing outside the workspace (refused
 * in the mail and on the page). Also the follow-up date in the mail.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, MailServer } from './mail-server.js';
import { approvalModel, PEOPLE } from './models.js';
import { get, ScriptedRunner, World } from './world.js';

const SMALL = randomBytes(3_000);
const LARGE = randomBytes(40_000);
const SECRET = 'root:x:0:0:the host file nobody may mail\n';
let smtp: MailServer;
let smtpUrl: string;
let outside: string;

beforeAll(async () => {
  smtp = new MailServer();
  smtpUrl = await smtp.start();
  // Files of the host, outside every workspace, that a script links to.
  outside = mkdtempSync(join(tmpdir(), 'pipelane-outside-'));
  writeFileSync(join(outside, 'passwd'), SECRET);
  mkdirSync(join(outside, 'dir'));
  writeFileSync(join(outside, 'dir', 'inner.txt'), SECRET);
});
afterAll(async () => {
  await smtp.close();
  rmSync(outside, { recursive: true, force: true });
});

describe('workspace files of a task', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  const ATTACHMENTS = ['small.bin', 'alias.bin', 'large.bin', 'report.html', 'linked/inner.txt', 'sub'];

  async function startWorld(): Promise<{ id: string; mail: Awaited<ReturnType<MailServer['waitFor']>>[number] }> {
    world = new World({
      env: { PIPELANE_SMTP_URL: smtpUrl },
      runner: new ScriptedRunner({
        prepare: {
          outcome: { kind: 'completed', output: {} },
          files: { 'small.bin': SMALL, 'large.bin': LARGE, 'sub/file.txt': 'a directory is no attachment' },
          // report.html -> a file outside, linked/ -> a directory outside; alias.bin -> small.bin stays inside.
          links: { 'report.html': join(outside, 'passwd'), linked: join(outside, 'dir'), 'alias.bin': 'small.bin' },
        },
      }),
    });
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:assignee': 'ada', 'camunda:followUpDate': 'P1D' }));
    world.write('ship/ship.yaml', `tasks:\n  approve:\n    approval:\n      attachments: [${ATTACHMENTS.join(', ')}]\n      maxAttachmentSize: 20k\n`);
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship');
    const [mail] = await smtp.waitFor((m) => m.text?.includes(id) === true);
    return { id, mail: mail! };
  }

  it('attaches files up to the cap, notes the rest, and never mails a file a symlink points to outside the workspace', async () => {
    const { mail } = await startWorld();
    expect(mail.attachments.map((a) => a.filename)).toEqual(['small.bin', 'alias.bin']);
    for (const a of mail.attachments) expect(Buffer.compare(a.content, SMALL)).toBe(0);
    expect(mail.text).toContain('large.bin (39.1 KB) is not attached: the attachments of one mail are capped at 20.0 KB.');
    for (const name of ['report.html', 'linked/inner.txt', 'sub']) {
      expect(mail.text).toContain(`${name} was not found in the workspace of the instance (or is not a regular file there), so it is not attached.`);
    }
    expect(mail.text).not.toContain('the host file');
    expect(mail.text).toMatch(/Follow up: \d{4}-\d\d-\d\dT/);
  });

  it('serves listed files from the page intact, and refuses forged links, unlisted names and links out of the workspace', async () => {
    const { id, mail } = await startWorld();
    const link = linkIn(mail);
    const page = await get(link);
    expect(page.body).toContain(`href="/approvals/${link.split('/').at(-1)}/files/large.bin"`);

    const large = await fetch(`${link}/files/large.bin`);
    expect(large.status).toBe(200);
    expect(large.headers.get('content-disposition')).toBe('attachment; filename="large.bin"');
    expect(Buffer.compare(Buffer.from(await large.arrayBuffer()), LARGE)).toBe(0);

    const forged = await get(`${world.url}/approvals/${randomBytes(32).toString('base64url')}/files/large.bin`);
    expect(forged.status).toBe(404);
    expect(forged.body).toContain('This link is not valid');
    // sub/file.txt is in the workspace, but the sidecar does not list it.
    for (const name of ['sub%2Ffile.txt', 'report.html', 'linked%2Finner.txt', 'sub']) {
      const refused = await get(`${link}/files/${name}`);
      expect(refused.status, name).toBe(404);
      expect(refused.body).not.toContain('the host file');
    }
    expect(world.openTask(id, 'approve').state).toBe('open');
  });
});
