import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAddress } from '../../../src/adapters/docker/connection.js';
import { containerSpec } from '../../../src/adapters/docker/container-spec.js';
import { controlFilesOf, writeControlFiles } from '../../../src/adapters/docker/control-files.js';
import { DockerContainerRunner } from '../../../src/adapters/docker/docker-runner.js';
import { containerName, LABEL } from '../../../src/adapters/docker/labels.js';
import type { ScriptJob } from '../../../src/ports/container-runner.js';
import { dockerAvailable, dockerHost } from '../docker-available.js';
import { collect, type Sandbox, sandbox, TEST_TIMEOUT } from './job.js';

const available = await dockerAvailable();

describe.skipIf(!available)('DockerContainerRunner: containers', { timeout: TEST_TIMEOUT }, () => {
  let box: Sandbox;
  const docker = new Docker(engineAddress(dockerHost).options);
  beforeAll(async () => {
    box = await sandbox();
  });
  afterAll(() => box?.dispose());

  const byJob = (jobId: string) => docker.listContainers({ all: true, filters: { label: [`${LABEL.job}=${jobId}`] } });

  async function untilRunning(jobId: string): Promise<Docker.ContainerInfo> {
    for (let i = 0; i < 100; i++) {
      const [info] = await byJob(jobId);
      if (info?.State === 'running') return info;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the container of ${jobId} never ran`);
  }

  it('labels the container while it runs, keeps it until released, then removes it', async () => {
    const job = box.job('bash', 'sleep 2', { instanceId: 'inst-labels', processId: 'churn', elementId: 'train' });
    const running = box.runner.run(job, collect().onLog);
    const info = await untilRunning(job.jobId);
    expect(info.Names).toEqual([`/${containerName(job.jobId)}`]);
    expect(info.Labels).toMatchObject({
      [LABEL.job]: job.jobId,
      [LABEL.instance]: 'inst-labels',
      [LABEL.process]: 'churn',
      [LABEL.element]: 'train',
    });
    const inspected = await docker.getContainer(info.Id).inspect();
    expect(inspected.HostConfig).toMatchObject({ NetworkMode: 'none', PidsLimit: 512, Memory: 256 * 1024 ** 2 });
    expect(await running).toEqual({ kind: 'completed', output: {} });
    // Until the caller has stored the outcome, the container can be collected again.
    expect((await byJob(job.jobId)).map((c) => c.State)).toEqual(['exited']);
    expect(await box.runner.containers()).toContain(job.jobId);
    expect(await box.runner.reattach(job.jobId, () => undefined)).toEqual({ kind: 'completed', output: {} });
    await box.runner.release(job.jobId);
    expect(await byJob(job.jobId)).toEqual([]);
    expect(await box.runner.containers()).not.toContain(job.jobId);
    await box.runner.release(job.jobId); // a second release is harmless
  });

  it('runs a later attempt afresh though the container of the earlier one was never released', async () => {
    const first = box.job('bash', 'echo first; exit 3');
    expect(await box.runner.run(first, collect().onLog)).toMatchObject({ kind: 'failed', exitCode: 3 });
    const second = { ...first, attempt: 2, script: { inline: 'echo second' } };
    const { lines, onLog } = collect();
    expect(await box.runner.run(second, onLog)).toEqual({ kind: 'completed', output: {} });
    expect(lines.map((l) => l.text)).toEqual(['second']);
    // The same attempt applied twice still attaches to its one container.
    expect(await box.runner.run(second, collect().onLog)).toEqual({ kind: 'completed', output: {} });
    expect((await byJob(first.jobId)).map((c) => c.Labels['pipelane.attempt'])).toEqual(['2']);
  });

  it('cancels a running job through its signal or by id', async () => {
    const first = box.job('bash', 'sleep 30');
    const abort = new AbortController();
    const viaSignal = box.runner.run(first, collect().onLog, abort.signal);
    await untilRunning(first.jobId);
    abort.abort();
    expect(await viaSignal).toMatchObject({ kind: 'failed', reason: 'cancelled' });

    const second = box.job('bash', 'sleep 30');
    const viaId = box.runner.run(second, collect().onLog);
    await untilRunning(second.jobId);
    await box.runner.cancel(second.jobId);
    expect(await viaId).toMatchObject({ kind: 'failed', reason: 'cancelled' });
    expect([...(await byJob(first.jobId)), ...(await byJob(second.jobId))]).toEqual([]);
  });

  /** What a daemon leaves behind when it dies right after starting a job: a running container, no follower. */
  async function startAsCrashedDaemon(job: ScriptJob): Promise<void> {
    const files = controlFilesOf(job);
    const container = await docker.createContainer(containerSpec(job, files));
    await writeControlFiles(job, files);
    await container.start();
  }

  const restartedRunner = () => new DockerContainerRunner(dockerHost === undefined ? {} : { dockerHost });

  it('reattaches after a crash to a container still running, and to one that has exited', async () => {
    const script = 'echo one; sleep 2; echo two; echo \'{"ok": true}\' > "$PIPELANE_OUTPUT"';
    const slow = box.job('bash', script);
    const quick = box.job('bash', 'echo quick; exit 4');
    await startAsCrashedDaemon(slow);
    await startAsCrashedDaemon(quick);
    const runner = restartedRunner();

    const a = collect();
    expect(await runner.reattach(slow.jobId, a.onLog)).toEqual({ kind: 'completed', output: { ok: true } });
    expect(a.lines.map((l) => l.text)).toEqual(['one', 'two']);

    const b = collect();
    expect(await runner.reattach(quick.jobId, b.onLog)).toMatchObject({ kind: 'failed', reason: 'exit', exitCode: 4 });
    expect(b.lines.map((l) => l.text)).toEqual(['quick']);

    await runner.release(slow.jobId);
    await runner.release(quick.jobId);
    expect([...(await byJob(slow.jobId)), ...(await byJob(quick.jobId))]).toEqual([]);
    expect(await runner.reattach('no-such-job', () => undefined)).toBeUndefined();
  });

  it('skips the log lines already stored when it reattaches, and still enforces the timeout', async () => {
    const job = box.job('bash', 'echo one; sleep 1; echo two; sleep 1; echo three');
    await startAsCrashedDaemon(job);
    let firstAt: string | undefined;
    while (firstAt === undefined) {
      const raw = await docker.getContainer(containerName(job.jobId)).logs({ stdout: true, timestamps: true });
      firstAt = /(\d{4}-\d\d-\d\dT[\d:.]+Z) one/.exec(raw.toString('latin1'))?.[1];
    }
    const second = collect();
    const logsAfter = firstAt.replace(/\.(\d+)Z$/, (_, f: string) => `.${f.padEnd(9, '0')}Z`);
    expect(await restartedRunner().reattach(job.jobId, second.onLog, { logsAfter })).toEqual({ kind: 'completed', output: {} });
    expect(second.lines.map((l) => l.text)).toEqual(['two', 'three']);

    const late = box.job('bash', 'sleep 30');
    late.runtime = { ...late.runtime, limits: { ...late.runtime.limits, timeoutMs: 1_000 } };
    await startAsCrashedDaemon(late);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await restartedRunner().reattach(late.jobId, () => undefined)).toMatchObject({ kind: 'failed', reason: 'timeout' });
  });

  it('runs a replayed job id once: a second run follows the container of the first', async () => {
    const script = 'sleep 1; echo ran >> /workspace/runs-$PIPELANE_JOB_ID; echo \'{"n": 1}\' > "$PIPELANE_OUTPUT"';
    const sameDaemon = box.job('bash', script);
    const [a, b] = await Promise.all([box.runner.run(sameDaemon, collect().onLog), box.runner.run(sameDaemon, collect().onLog)]);
    expect(a).toEqual({ kind: 'completed', output: { n: 1 } });
    expect(b).toEqual(a);

    const afterCrash = box.job('bash', script);
    await startAsCrashedDaemon(afterCrash);
    const replayed = await restartedRunner().run(afterCrash, collect().onLog);
    expect(replayed).toEqual({ kind: 'completed', output: { n: 1 } });
    for (const job of [sameDaemon, afterCrash]) {
      expect(await readFile(join(box.workspaceDir, `runs-${job.jobId}`), 'utf8')).toBe('ran\n');
    }
  });
});
