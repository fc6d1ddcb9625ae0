/** Timers are durable: one that falls due while the daemon is down fires once when it is back. */
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon, Workspace, duplicateSteps, historyOf } from './daemon.js';
import { timerModel } from './models.js';

describe('timers across a restart', { timeout: 60_000 }, () => {
  let ws: Workspace | undefined;
  const daemons: Daemon[] = [];
  afterEach(async () => {
    for (const d of daemons.splice(0)) await d.kill('SIGKILL');
    await ws?.dispose();
  });
  const daemon = async () => {
    const d = await new Daemon(ws!).start();
    daemons.push(d);
    return d;
  };

  it('fires a timer that fell due while the daemon was down, once', async () => {
    ws = new Workspace().write('wait.bpmn', timerModel('PT3S'));
    const first = await daemon();
    const { id } = (await first.request('POST', '/api/v1/processes/wait/instances', {})).body;
    const startedAt = Date.parse((await first.get(`/api/v1/instances/${id}`)).createdAt);
    await first.kill('SIGKILL');
    expect(Date.now()).toBeLessThan(startedAt + 3000);

    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 3500 - Date.now())));
    const second = await daemon();
    const instance = await second.waitForInstance(id, (i) => i.state === 'completed', 10_000);
    expect(historyOf(instance, 'timerDue')).toHaveLength(1);
    expect(Date.parse(historyOf(instance, 'timerDue')[0].at)).toBeGreaterThanOrEqual(startedAt + 3000);
    expect(duplicateSteps(instance)).toEqual([]);
    // Killed and started once more, nothing fires again.
    await second.kill('SIGKILL');
    const third = await daemon();
    await new Promise((r) => setTimeout(r, 500));
    expect(historyOf(await third.get(`/api/v1/instances/${id}`), 'timerDue')).toHaveLength(1);
  });

  it('keeps a timer that is not due yet at the restart, and fires it once when it is', async () => {
    ws = new Workspace().write('wait.bpmn', timerModel('PT3S'));
    const first = await daemon();
    const { id } = (await first.request('POST', '/api/v1/processes/wait/instances', {})).body;
    await first.kill('SIGKILL');
    const second = await daemon();
    expect((await second.get(`/api/v1/instances/${id}`)).state).toBe('running');
    const instance = await second.waitForInstance(id, (i) => i.state === 'completed', 10_000);
    expect(historyOf(instance, 'timerDue')).toHaveLength(1);
    expect(duplicateSteps(instance)).toEqual([]);
  });

  it('returns within 2 s of SIGTERM, with exit code 0', async () => {
    ws = new Workspace().write('wait.bpmn', timerModel('PT1H'));
    const d = await daemon();
    await d.request('POST', '/api/v1/processes/wait/instances', {});
    // An open live connection must not hold the shutdown up.
    const controller = new AbortController();
    void fetch(`${d.url}/healthz`, { signal: controller.signal }).catch(() => undefined);
    const t0 = Date.now();
    const exit = await d.kill('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(exit).toEqual({ code: 0, signal: null });
    controller.abort();
  });
});
