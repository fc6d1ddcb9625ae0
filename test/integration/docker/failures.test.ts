import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAddress } from '../../../src/adapters/docker/connection.js';
import { DockerContainerRunner } from '../../../src/adapters/docker/docker-runner.js';
import { LABEL } from '../../../src/adapters/docker/labels.js';
import { dockerAvailable, dockerHost } from '../docker-available.js';
import { collect, type Sandbox, sandbox, TEST_TIMEOUT } from './job.js';

const available = await dockerAvailable();

describe.skipIf(!available)('DockerContainerRunner: failures of the job and of the engine', { timeout: TEST_TIMEOUT }, () => {
  let box: Sandbox;
  const docker = new Docker(engineAddress(dockerHost).options);
  beforeAll(async () => {
    box = await sandbox();
  });
  afterAll(() => box?.dispose());

  const leftovers = async (jobId: string) =>
    docker.listContainers({ all: true, filters: { label: [`${LABEL.job}=${jobId}`] } });

  it('kills a job that runs past its timeout and says so', async () => {
    const job = box.job('bash', 'echo started; sleep 30');
    job.runtime = { ...job.runtime, limits: { ...job.runtime.limits, timeoutMs: 2_000 } };
    const { lines, onLog } = collect();
    const started = Date.now();
    const outcome = await box.runner.run(job, onLog);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(outcome).toEqual({ kind: 'failed', reason: 'timeout', message: 'timed out after 2s' });
    expect(lines.map((l) => l.text)).toEqual(['started']);
    await box.runner.release(job.jobId);
    expect(await leftovers(job.jobId)).toEqual([]);
  });

  it('reports an out-of-memory kill with its limit', async () => {
    const job = box.job('python', 'print("allocating")\nx = b"a" * (200 * 1024 * 1024)\nprint("survived")');
    job.runtime = { ...job.runtime, limits: { ...job.runtime.limits, memoryBytes: 32 * 1024 ** 2 } };
    const { lines, onLog } = collect();
    const outcome = await box.runner.run(job, onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'oom', message: 'killed: out of memory (limit 32m)', exitCode: 137 });
    expect(lines.map((l) => l.text)).not.toContain('survived');
  });

  it('keeps the network off unless asked', async () => {
    const script = 'import socket\nprint(sorted({i[1] for i in socket.if_nameindex()}))';
    const { lines, onLog } = collect();
    expect((await box.runner.run(box.job('python', script), onLog)).kind).toBe('completed');
    expect(lines[0]?.text).toBe("['lo']");
  });

  it('limits the number of processes', async () => {
    const job = box.job('bash', 'for i in $(seq 1 100); do sleep 2 & done; wait');
    job.runtime = { ...job.runtime, limits: { ...job.runtime.limits, pids: 20 } };
    const outcome = await box.runner.run(job, collect().onLog);
    expect(outcome.kind).toBe('failed');
    if (outcome.kind === 'failed') expect(outcome.stderrTail?.join('\n')).toMatch(/fork|Resource temporarily unavailable/);
  });

  it('names a missing image and how to build or pull it', async () => {
    const own = box.job('bash', 'true');
    own.runtime = { ...own.runtime, image: 'pipelane/no-such-image:1' };
    const outcome = await box.runner.run(own, collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'image-missing' });
    if (outcome.kind !== 'failed') return;
    expect(outcome.message).toContain('pipelane/no-such-image:1');
    expect(outcome.message).toContain('docker pull pipelane/no-such-image:1');
  });

  it('tells how to build the default image when it is the one missing', async () => {
    // A runner that names a missing image as if it were the default: tested through the classifier.
    const { engineFailure } = await import('../../../src/adapters/docker/outcome.js');
    const failure = engineFailure(
      { statusCode: 404, json: { message: 'No such image: pipelane/runtime:local' } },
      'pipelane/runtime:local',
      'unix:///var/run/docker.sock',
    );
    expect(failure.message).toContain('pipelane/runtime:local');
    expect(failure.message).toContain('scripts/build-runtime-image.sh');
  });

  it('names the socket it tried when the engine cannot be reached', async () => {
    const runner = new DockerContainerRunner({ dockerHost: 'unix:///tmp/pipelane-no-such-docker.sock' });
    const outcome = await runner.run(box.job('bash', 'true'), collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'engine-unreachable' });
    if (outcome.kind !== 'failed') return;
    expect(outcome.message).toContain('unix:///tmp/pipelane-no-such-docker.sock');
  });

  it('names the host it tried when a TCP engine cannot be reached', async () => {
    const runner = new DockerContainerRunner({ dockerHost: 'tcp://127.0.0.1:1' });
    const outcome = await runner.run(box.job('bash', 'true'), collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'engine-unreachable' });
    if (outcome.kind === 'failed') expect(outcome.message).toContain('tcp://127.0.0.1:1');
  });

  it('reports a network the engine does not know', async () => {
    const job = box.job('bash', 'true');
    job.runtime = { ...job.runtime, network: 'pipelane-no-such-network' };
    const outcome = await box.runner.run(job, collect().onLog);
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'engine-error' });
    if (outcome.kind === 'failed') expect(outcome.message).toContain('pipelane-no-such-network');
    expect(await leftovers(job.jobId)).toEqual([]);
  });
});
