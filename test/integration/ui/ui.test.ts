/**
 * The web UI in real Chromium against the daemon as a child process (real
 * Docker for the script tasks): the token prompt, processes, instances on
 * their diagram with the failed element in red and its log, retry, the task
 * inbox with a form, generated and drawn layouts, and no HTML injection.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { Daemon, TOKEN, Workspace, waitFor } from '../daemon/daemon.js';
import { launchChromium } from './chromium.js';
import { PEOPLE, approveThenWait, drawn, failsOnce, formTask } from './models.js';

const docker = await dockerAvailable();
const browser: Browser | undefined = docker ? await launchChromium() : undefined;
const SCREENSHOT = '/tmp/pipelane-ui-instance.png';

describe.skipIf(!browser)('the web UI in Chromium', { timeout: 120_000 }, () => {
  let ws: Workspace;
  let daemon: Daemon;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ws = new Workspace().write('broken.bpmn', failsOnce).write('intake.bpmn', formTask).write('drawn.bpmn', drawn).write('pipelane.yaml', PEOPLE).write('gate.bpmn', approveThenWait);
    daemon = await new Daemon(ws, { PIPELANE_TOKENS: TOKEN }, TOKEN).start();
  });
  afterAll(async () => {
    await browser?.close();
    await daemon?.kill('SIGTERM');
    await ws?.dispose();
  });
  beforeEach(async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Expected: the 401 before the token is given, the 422 of a form sent with a bad value.
      if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${daemon.url}/`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
  });
  afterEach(async () => {
    await page.close();
    expect(errors.splice(0)).toEqual([]);
  });

  it('serves static pages with a CSP, and asks for the token before showing data', async () => {
    const res = await fetch(`${daemon.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).not.toMatch(/broken|intake/);
    expect((await fetch(`${daemon.url}/ui/vendor/bpmn-viewer.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${daemon.url}/ui/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${daemon.url}/api/v1/deployments`)).status).toBe(401);

    const fresh = await browser!.newPage();
    await fresh.goto(`${daemon.url}/`);
    await fresh.getByLabel('API token').waitFor();
    await fresh.close();

    await page.locator('tr[data-process="broken"]').waitFor();
    await page.locator('tr[data-process="intake"]').waitFor();
    expect(await page.getByText('Schedules come from a repository').count()).toBe(1);
  });

  it('shows a failed instance on its diagram: completed green, failed red with its message, its log; retry runs it again', async () => {
    const { body } = await daemon.request('POST', '/api/v1/processes/broken/instances', { variables: { note: '<script>window.pwned=2</script>' } });
    const id: string = body.id;
    await daemon.waitForInstance(id, (i) => i.incidents.length === 1);

    await page.goto(`${daemon.url}/#/instances`);
    await page.locator(`tr[data-instance="${id}"]`).waitFor();
    await page.locator(`tr[data-instance="${id}"] a`).click();

    const failed = page.locator('[data-element-id="explode"].pl-failed');
    await failed.waitFor();
    for (const element of ['start', 'prepare', 'end', 'start_prepare', 'explode_end']) expect(await page.locator(`svg [data-element-id="${element}"]`).count()).toBe(1);
    expect(await page.locator('[data-element-id="prepare"].pl-completed').count()).toBe(1);
    expect(await page.locator('[data-element-id="start"].pl-completed').count()).toBe(1);
    expect(await page.locator('[data-element-id="end"].pl-completed').count()).toBe(0);
    const stroke = await failed.locator('.djs-visual > :first-child').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).stroke);
    expect(stroke).toBe('rgb(200, 32, 29)');
    const note = page.locator('.pl-incident-note');
    await expect.poll(() => note.textContent()).toContain('the script exited with code 3');
    expect(await note.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.getByText('this one was generated').count()).toBe(1);

    const log = page.locator('.log');
    await expect.poll(() => log.textContent()).toContain('boom <img');
    expect(await log.textContent()).toContain('preparing the data');
    expect(await log.textContent()).toContain('about to fail');
    expect(await page.locator('.log .line.stderr').count()).toBe(1);
    await page.getByText('Variables', { exact: true }).click();
    expect(await page.locator('pre.json').first().textContent()).toContain('<script>window.pwned=2</script>');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const retried = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/jobs\/[^/]+\/retry$/.test(r.url()));
    await page.locator('.card.incident button.retry').click();
    expect((await retried).status()).toBe(200);
    const instance = await daemon.waitForInstance(id, (i) => i.state === 'completed');
    expect(instance.jobs.filter((j: any) => j.element === 'explode').map((j: any) => j.state)).toContain('completed');
    await page.locator('h1 .badge.state-completed').waitFor();
    await page.locator('[data-element-id="end"].pl-completed').waitFor();
    expect(await page.locator('[data-element-id="explode"].pl-completed').count()).toBe(1);
    expect(await page.locator('.pl-failed').count()).toBe(0);
    await expect.poll(() => log.textContent()).toContain('recovered on retry');
  });

  it('lists an open user task in the inbox; submitting its form completes the instance', async () => {
    const { body } = await daemon.request('POST', '/api/v1/processes/intake/instances', { variables: { rows: 12 } });
    const id: string = body.id;
    const task = await waitFor(async () => (await daemon.get(`/api/v1/tasks?state=open&instance=${id}`)).items[0], 30_000, () => 'no task opened');

    await page.goto(`${daemon.url}/#/inbox`);
    const card = page.locator(`section[data-task="${task.id}"]`);
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe('Describe the batch');
    expect(await card.locator('dl.assignment').textContent()).toContain('ada');
    expect(await card.getByLabel('Rows').inputValue()).toBe('12');

    await card.getByLabel('Rows').fill('0');
    await card.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => card.locator('[role=alert]').textContent()).toMatch(/Region is required|Rows must be at least 1/);

    await card.getByLabel('Region').selectOption('us');
    await card.getByLabel('Rows').fill('40');
    await card.getByLabel('Note').fill('second batch');
    await card.getByLabel('Urgent').check();
    await card.getByRole('button', { name: 'Submit' }).click();
    await card.locator('.done').waitFor();

    const instance = await daemon.waitForInstance(id, (i) => i.state === 'completed');
    expect(instance.variables).toMatchObject({ region: 'us', rows: 40, note: 'second batch', urgent: true });
    await page.goto(`${daemon.url}/#/instances/${id}`);
    await page.locator('[data-element-id="fill"].pl-completed').waitFor();
    await page.locator('[data-element-id="end"].pl-completed').waitFor();
  });

  it('approves a task without a form from the inbox, shows the next one active, filters and cancels', async () => {
    const { body } = await daemon.request('POST', '/api/v1/processes/gate/instances');
    const id: string = body.id;
    const task = await waitFor(async () => (await daemon.get(`/api/v1/tasks?state=open&instance=${id}`)).items[0], 30_000, () => 'no task opened');
    await page.goto(`${daemon.url}/#/inbox`);
    const card = page.locator(`section[data-task="${task.id}"]`);
    await card.getByLabel('Comment').fill('fine by me');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.locator('.done').waitFor();
    const waiting = await daemon.waitForInstance(id, (i) => i.history.some((h: any) => h.type === 'taskCompleted'));
    expect(waiting.variables).toMatchObject({ approved: true, comment: 'fine by me' });

    await page.goto(`${daemon.url}/#/instances?process=gate&state=running`);
    await page.locator(`tr[data-instance="${id}"]`).waitFor();
    expect(await page.locator('tr[data-instance]').count()).toBe(1);
    await page.locator(`tr[data-instance="${id}"] a`).click();
    await page.locator('[data-element-id="wait"].pl-active').waitFor();
    expect(await page.locator('[data-element-id="approve"].pl-completed').count()).toBe(1);
    expect(await page.locator('[data-element-id="approve_wait"].pl-taken').count()).toBe(1);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel instance' }).click();
    await page.locator('h1 .badge.state-cancelled').waitFor();
    expect((await daemon.get(`/api/v1/instances/${id}`)).state).toBe('cancelled');
    await page.goto(`${daemon.url}/#/instances?state=cancelled`);
    await page.locator(`tr[data-instance="${id}"]`).waitFor();
  });

  it('serves a drawn model with its own layout, and generates one for a model without', async () => {
    const deployments = await daemon.get('/api/v1/deployments?active=true');
    const idOf = (file: string) => deployments.items.find((d: any) => d.file === file).id as string;
    const own = await fetch(`${daemon.url}/api/v1/deployments/${encodeURIComponent(idOf('drawn.bpmn'))}/diagram`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(own.headers.get('x-pipelane-layout')).toBe('file');
    expect(await own.text()).toBe(drawn);
    const generated = await fetch(`${daemon.url}/api/v1/deployments/${encodeURIComponent(idOf('intake.bpmn'))}/diagram`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(generated.headers.get('x-pipelane-layout')).toBe('generated');
    expect(await generated.text()).toMatch(/<bpmndi:BPMNShape id="fill_di" bpmnElement="fill">/);

    const { body } = await daemon.request('POST', '/api/v1/processes/drawn/instances');
    await daemon.waitForInstance(body.id, (i) => i.state === 'completed');
    await page.goto(`${daemon.url}/#/instances/${body.id}`);
    await page.locator('[data-element-id="finish"].pl-completed').waitFor();
    // Drawn top to bottom, as in the file: the end event sits below the start event.
    const begin = await page.locator('svg [data-element-id="begin"]').boundingBox();
    const finish = await page.locator('svg [data-element-id="finish"]').boundingBox();
    expect(finish!.y).toBeGreaterThan(begin!.y + 50);
    expect(await page.getByText('this one was generated').count()).toBe(0);
  });
});
