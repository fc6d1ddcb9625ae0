/**
 * What Pipelane adds to running a container. Two things on the same image and
 * command, interleaved so that drift of the machine hits both alike:
 *   floor:  dockerode create, start, wait, remove (network none);
 *   runner: DockerContainerRunner.run() from the job to its outcome, with the
 *           log stored in a JobLogStore.
 * Then a chain of 20 trivial tasks through the runner. Target: runner ≤ 1.15 × floor.
 *
 *   npm run bench:docker            (DOCKER_HOST and BENCH_N are read here, as in a script)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { engineAddress } from '../src/adapters/docker/connection.js';
import { DockerContainerRunner } from '../src/adapters/docker/docker-runner.js';
import { DEFAULT_IMAGE, DEFAULT_LIMITS } from '../src/model/task-runtime.js';
import type { ScriptJob } from '../src/ports/container-runner.js';
import { JobLogStore } from '../src/runtime/job-logs.js';

const N = Number(process.env.BENCH_N ?? 20);
const WARM_UP = 2;
const CHAIN = 20;
const TARGET = 1.15;
const dockerHost = process.env.DOCKER_HOST;

const docker = new Docker(engineAddress(dockerHost).options);
const runner = new DockerContainerRunner(dockerHost === undefined ? {} : { dockerHost });
const root = await mkdtemp(join(tmpdir(), 'pipelane-bench-'));
const logs = new JobLogStore({ dir: join(root, 'logs') });
let seq = 0;

function job(instanceId: string): ScriptJob {
  return {
    jobId: `bench-${process.pid}-${++seq}`,
    instanceId,
    processId: 'bench',
    elementId: 'trivial',
    attempt: 1,
    language: 'bash',
    script: { inline: 'true' },
    variables: { n: seq },
    workspaceDir: join(root, 'workspace', instanceId),
    repoDir: root,
    runtime: { image: DEFAULT_IMAGE, env: {}, secrets: {}, network: 'none', limits: DEFAULT_LIMITS },
  };
}

async function floor(): Promise<number> {
  const started = performance.now();
  const container = await docker.createContainer({
    Image: DEFAULT_IMAGE,
    Cmd: ['bash', '-c', 'true'],
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
  await container.wait();
  await container.remove({ force: true });
  return performance.now() - started;
}

async function throughRunner(instanceId = 'bench'): Promise<number> {
  const j = job(instanceId);
  const started = performance.now();
  const writer = logs.open(j.jobId);
  const outcome = await runner.run(j, (line) => writer.append(line));
  writer.close();
  const elapsed = performance.now() - started;
  if (outcome.kind !== 'completed') throw new Error(`the trivial task did not complete: ${JSON.stringify(outcome)}`);
  return elapsed;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

try {
  for (let i = 0; i < WARM_UP; i++) {
    await floor();
    await throughRunner();
  }
  const floors: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < N; i++) {
    // Alternate which goes first, so neither always runs on a machine the other just warmed.
    if (i % 2 === 0) {
      floors.push(await floor());
      runs.push(await throughRunner());
    } else {
      runs.push(await throughRunner());
      floors.push(await floor());
    }
  }
  const chainStarted = performance.now();
  for (let i = 0; i < CHAIN; i++) await throughRunner('chain');
  const chain = performance.now() - chainStarted;
  // The same chain on the floor: back-to-back containers cost more than spaced ones on any engine.
  const floorChainStarted = performance.now();
  for (let i = 0; i < CHAIN; i++) await floor();
  const floorChain = performance.now() - floorChainStarted;

  const ratioMean = mean(runs) / mean(floors);
  const ratioMedian = median(runs) / median(floors);
  console.log(`docker bench: image ${DEFAULT_IMAGE}, command "bash true", network none, N=${N} interleaved (+${WARM_UP} warm-up)`);
  console.log(`  floor  (create, start, wait, remove)   mean ${ms(mean(floors))}  median ${ms(median(floors))}`);
  console.log(`  runner (run() to outcome, log stored)   mean ${ms(mean(runs))}  median ${ms(median(runs))}`);
  console.log(`  ratio runner/floor                      mean ${ratioMean.toFixed(3)}  median ${ratioMedian.toFixed(3)}`);
  console.log(`  chain of ${CHAIN} tasks through the runner   ${ms(chain)} total, ${ms(chain / CHAIN)} per task`);
  console.log(`  chain of ${CHAIN} containers on the floor    ${ms(floorChain)} total, ${ms(floorChain / CHAIN)} per task`);
  console.log(`  ratio of the chains                      ${(chain / floorChain).toFixed(3)}`);
  const verdict = ratioMedian <= TARGET ? 'within' : 'OVER';
  console.log(`  ${verdict} the target of ${TARGET} × floor (median)`);
} finally {
  await rm(root, { recursive: true, force: true });
}
