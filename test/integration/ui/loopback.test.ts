/** Without tokens (loopback only) the UI needs none: the page shows the data at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon, Workspace } from '../daemon/daemon.js';
import { launchChromium } from './chromium.js';
import { drawn } from './models.js';

const browser = await launchChromium();

describe.skipIf(!browser)('the web UI on loopback without tokens', { timeout: 60_000 }, () => {
  let ws: Workspace;
  let daemon: Daemon;
  beforeAll(async () => {
    ws = new Workspace().write('drawn.bpmn', drawn);
    daemon = await new Daemon(ws).start();
  });
  afterAll(async () => {
    await browser?.close();
    await daemon?.kill('SIGTERM');
    await ws?.dispose();
  });

  it('lists the processes without asking for a token', async () => {
    const page = await browser!.newPage();
    await page.goto(`${daemon.url}/`);
    await page.locator('tr[data-process="drawn"]').waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
    await page.close();
  });
});
