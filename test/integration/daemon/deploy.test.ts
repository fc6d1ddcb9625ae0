/** What `pipelane serve --models DIR` deploys at start. */
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon, Workspace } from './daemon.js';
import { decide } from './models.js';

describe('deploying the models directory at start', { timeout: 60_000 }, () => {
  let ws: Workspace | undefined;
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    await ws?.dispose();
  });

  it('keeps the last good version of a file that became invalid, and logs its diagnostics', async () => {
    ws = new Workspace().write('decide.bpmn', decide);
    daemon = await new Daemon(ws).start();
    const [good] = (await daemon.get('/api/v1/deployments')).items;
    expect(good).toMatchObject({ file: 'decide.bpmn', processes: ['decide'], active: true });
    await daemon.kill('SIGTERM');

    ws.write('decide.bpmn', decide.replace('<endEvent id="end">', '<endEvent id="end" unknown="x"><bogus/>').replace('</process>', '<task id="dangling"/></process>'));
    daemon = await new Daemon(ws).start();
    expect(daemon.stderr).toMatch(/decide\.bpmn is invalid and was not deployed/);
    expect((await daemon.get('/api/v1/deployments')).items).toEqual([expect.objectContaining({ id: good.id, active: true })]);
    expect((await daemon.request('POST', '/api/v1/processes/decide/instances', {})).status).toBe(201);
  });

  it('deploys a changed valid file as a new version and stops starting the old one', async () => {
    ws = new Workspace().write('decide.bpmn', decide);
    daemon = await new Daemon(ws).start();
    const { id } = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body;
    await daemon.kill('SIGTERM');

    ws.write('decide.bpmn', decide.replace('name="Decide"', 'name="Decide again"'));
    daemon = await new Daemon(ws).start();
    const versions = (await daemon.get('/api/v1/deployments')).items;
    expect(versions).toHaveLength(2);
    expect(versions.filter((d: any) => d.active)).toHaveLength(1);
    const started = (await daemon.request('POST', '/api/v1/processes/decide/instances', {})).body.id;
    const [oldOne, newOne] = [await daemon.get(`/api/v1/instances/${id}`), await daemon.get(`/api/v1/instances/${started}`)];
    expect(oldOne.deploymentId).not.toBe(newOne.deploymentId);
    expect(newOne.deploymentId).toBe(versions.find((d: any) => d.active).id);
  });
});
