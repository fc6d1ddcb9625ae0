/**
 * DOCKER_HOST=tcp://…: the runner works against an engine reached over TCP
 * the same way as over the local socket. The engine here is the local one
 * behind a TCP proxy on loopback that the test starts.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineAddress } from '../../../src/adapters/docker/connection.js';
import { DockerContainerRunner } from '../../../src/adapters/docker/docker-runner.js';
import { dockerAvailable, dockerHost } from '../docker-available.js';
import { collect, type Sandbox, sandbox, TEST_TIMEOUT } from './job.js';

const available = await dockerAvailable();

/** Forwards each TCP connection to the engine the tests use (its socket, or its host and port). */
function engineProxy(): Promise<{ server: Server; url: string; connections: number }> {
  const target = engineAddress(dockerHost).options;
  const state = { server: undefined as unknown as Server, url: '', connections: 0 };
  state.server = createServer((client: Socket) => {
    state.connections += 1;
    const engine = target.socketPath ? connect(target.socketPath) : connect(Number(target.port), String(target.host));
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  return new Promise((resolve) =>
    state.server.listen(0, '127.0.0.1', () => {
      state.url = `tcp://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
      resolve(state);
    }),
  );
}

describe.skipIf(!available)('DockerContainerRunner on an engine over TCP', { timeout: TEST_TIMEOUT }, () => {
  let box: Sandbox;
  let proxy: Awaited<ReturnType<typeof engineProxy>>;
  beforeAll(async () => {
    box = await sandbox();
    proxy = await engineProxy();
  });
  afterAll(async () => {
    await box?.dispose();
    proxy?.server.close();
  });

  it('runs a job, streams its log, reads its output and releases its container', async () => {
    const runner = new DockerContainerRunner({ dockerHost: proxy.url });
    const job = box.job('python', 'import json, os\nprint("over tcp")\njson.dump({"n": 2}, open(os.environ["PIPELANE_OUTPUT"], "w"))');
    const { lines, onLog } = collect();
    expect(await runner.run(job, onLog)).toEqual({ kind: 'completed', output: { n: 2 } });
    expect(lines.map((l) => l.text)).toEqual(['over tcp']);
    expect(await runner.containers()).toContain(job.jobId);
    await runner.release(job.jobId);
    expect(await runner.containers()).not.toContain(job.jobId);
    expect(proxy.connections).toBeGreaterThan(0);
  });
});
