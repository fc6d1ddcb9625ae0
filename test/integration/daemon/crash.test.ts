/**
 * Recovery after SIGKILL: the daemon dies while a script runs in Docker, or
 * between committing a step and applying its commands; started again on the
 * same data directory, it finishes the instance without running any script
 * twice or recording any step twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dockerAvailable } from '../docker-available.js';
import { Daemon, Workspace, duplicateSteps, historyOf } from './daemon.js';
import { slowCounter, twoCounters } from './models.js';

const docker = await dockerAvailable();

describe.skipIf(!docker)('the daemon killed with SIGKILL', { timeout: 120_000 }, () => {
  let ws: Workspace | undefined;
  const daemons: Daemon[] = [];
  afterEach(async () => {
    for (const d of daemons.splice(0)) await d.kill('SIGKILL');
    await ws?.dispose();
  });
  const daemon = async (env: Record<string, string> = {}) => {
    const d = await new Daemon(ws!).start(env);
    daemons.push(d);
    return d;
  };

  it('re-attaches to the script still running in its container: it runs once, each step is recorded once', async () => {
    ws = new Workspace().write('slow.bpmn', slowCounter);
    const first = await daemon();
    const { id } = (await first.request('POST', '/api/v1/processes/slow/instances', {})).body;
    // Running, and inside the script: the counter is written, the sleep has begun.
    await first.waitForInstance(id, (i) => i.jobs[0]?.state === 'running' && ws!.workspaceFile(id, 'counter') !== undefined);
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await daemon();
    const instance = await second.waitForInstance(id, (i) => i.state === 'completed');
    expect(ws.workspaceFile(id, 'counter')?.trim()).toBe('1');
    expect(instance.jobs).toEqual([expect.objectContaining({ element: 'work', state: 'completed', attempt: 1 })]);
    expect(historyOf(instance, 'start')).toHaveLength(1);
    expect(historyOf(instance, 'jobCompleted')).toEqual([expect.objectContaining({ data: expect.objectContaining({ jobId: instance.jobs[0].id }) })]);
    expect(duplicateSteps(instance)).toEqual([]);
    // The log of the re-attached run holds the lines from before and after the crash.
    const texts = (await second.get(`/api/v1/instances/${id}/logs`)).map((e: any) => e.text);
    expect(texts.filter((t: string) => t === 'work run 1')).toHaveLength(1);
    expect(texts).toContain('work done');
  });

  it('applies a command committed just before the kill, once: the crash falls between the commit and the apply', async () => {
    ws = new Workspace().write('two.bpmn', twoCounters);
    // The test hook kills the daemon after the step "first completed" is committed, before its runJob(second) is applied.
    const first = await daemon({ PIPELANE_TEST_CRASH_AFTER_COMMIT: 'runJob:second' });
    const { id } = (await first.request('POST', '/api/v1/processes/two/instances', {})).body;
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(ws.workspaceFile(id, 'first.count')?.trim()).toBe('1');
    expect(ws.workspaceFile(id, 'second.count')).toBeUndefined();

    const second = await daemon();
    const instance = await second.waitForInstance(id, (i) => i.state === 'completed');
    expect(ws.workspaceFile(id, 'first.count')?.trim()).toBe('1');
    expect(ws.workspaceFile(id, 'second.count')?.trim()).toBe('1');
    expect(instance.jobs.map((j: any) => [j.element, j.state, j.attempt])).toEqual(
      expect.arrayContaining([['first', 'completed', 1], ['second', 'completed', 1]]),
    );
    expect(historyOf(instance, 'jobCompleted')).toHaveLength(2);
    expect(historyOf(instance, 'start')).toHaveLength(1);
    expect(duplicateSteps(instance)).toEqual([]);
  });

  it('collects a script that had finished when the daemon died, before its outcome was stored, without running it again', async () => {
    ws = new Workspace().write('slow.bpmn', slowCounter.replace('sleep 4', 'sleep 0'));
    // The test hook kills the daemon when the outcome of "work" arrives: its container has exited, nothing is stored.
    const first = await daemon({ PIPELANE_TEST_CRASH_AFTER_COMMIT: 'jobOutcome:work' });
    const { id } = (await first.request('POST', '/api/v1/processes/slow/instances', {})).body;
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await ws.containers()).map((c) => c.State)).toEqual(['exited']);

    const second = await daemon();
    const instance = await second.waitForInstance(id, (i) => i.state === 'completed');
    expect(ws.workspaceFile(id, 'counter')?.trim()).toBe('1');
    expect(instance.jobs).toEqual([expect.objectContaining({ element: 'work', state: 'completed', attempt: 1 })]);
    expect(historyOf(instance, 'jobCompleted')).toHaveLength(1);
    expect(duplicateSteps(instance)).toEqual([]);
    // Once the outcome is stored, the container goes.
    await expect.poll(() => ws!.containers(), { timeout: 10_000 }).toEqual([]);
  });

  it('starts a job whose runJob was committed with the instance but never applied', async () => {
    ws = new Workspace().write('slow.bpmn', slowCounter.replace('sleep 4', 'sleep 0'));
    const first = await daemon({ PIPELANE_TEST_CRASH_AFTER_COMMIT: 'runJob' });
    // The daemon dies inside the request: the instance is committed, its job not yet queued.
    await first.request('POST', '/api/v1/processes/slow/instances', {}).catch(() => undefined);
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await daemon();
    const [listed] = (await second.get('/api/v1/instances?process=slow')).items;
    const instance = await second.waitForInstance(listed.id, (i) => i.state === 'completed');
    expect(ws.workspaceFile(instance.id, 'counter')?.trim()).toBe('1');
    expect(historyOf(instance, 'jobCompleted')).toHaveLength(1);
    expect(duplicateSteps(instance)).toEqual([]);
  });

  it('cancels an instance whose script it re-attached to: the container is killed and the job stays cancelled', async () => {
    ws = new Workspace().write('slow.bpmn', slowCounter.replace('sleep 4', 'sleep 60'));
    const first = await daemon();
    const { id } = (await first.request('POST', '/api/v1/processes/slow/instances', {})).body;
    await first.waitForInstance(id, (i) => i.jobs[0]?.state === 'running' && ws!.workspaceFile(id, 'counter') !== undefined);
    await first.kill('SIGKILL');

    const second = await daemon();
    await expect.poll(async () => (await ws!.containers()).map((c) => c.State), { timeout: 10_000 }).toEqual(['running']);
    expect((await second.request('POST', `/api/v1/instances/${id}/cancel`, {})).status).toBe(200);
    // Killed long before its 60 s sleep ends, and removed.
    await expect.poll(() => ws!.containers(), { timeout: 15_000 }).toEqual([]);
    const instance = await second.waitForInstance(id, (i) => i.state === 'cancelled');
    expect(instance.jobs).toEqual([expect.objectContaining({ element: 'work', state: 'cancelled' })]);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await second.get(`/api/v1/instances/${id}`)).jobs).toEqual([expect.objectContaining({ state: 'cancelled' })]);
  });

  it('stops within 2 s on SIGTERM, leaving the running container to the next start', async () => {
    ws = new Workspace().write('slow.bpmn', slowCounter);
    const first = await daemon();
    const { id } = (await first.request('POST', '/api/v1/processes/slow/instances', {})).body;
    await first.waitForInstance(id, (i) => i.jobs[0]?.state === 'running' && ws!.workspaceFile(id, 'counter') !== undefined);
    const t0 = Date.now();
    const exit = await first.kill('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(exit).toEqual({ code: 0, signal: null });

    const second = await daemon();
    await second.waitForInstance(id, (i) => i.state === 'completed');
    expect(ws.workspaceFile(id, 'counter')?.trim()).toBe('1');
  });
});
