/**
 * What Pipelane adds to running a container. Two things on the same image and
 * command, interleaved so that drift of the machine hits both alike:
 *   floor:    dockerode create, start, wait, remove (network none);
 *   pipelane: one trivial script task through the real runtime (SQLite store,
 *             DockerContainerRunner, job log store), from the start of its
 *             instance (which commits the runJob) to its outcome committed;
 *             and on to its container released.
 * Then a process of 20 trivial script tasks in sequence, start to end,
 * against 20 containers back to back on the floor.
 * Target: pipelane ≤ 1.15 × floor per task (median).
 *
 *   npm run bench:docker            (DOCKER_HOST and BENCH_N are read here, as in a script)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { engineAddress } from '../src/adapters/docker/connection.js';
import { deployModelFile, openRuntime } from '../src/cli/open-runtime.js';
import { loadConfig } from '../src/config/config.js';
import { loadModelFile } from '../src/gitops/discover.js';
import { DEFAULT_IMAGE } from '../src/model/task-runtime.js';
import type { RuntimeActivity } from '../src/runtime/activity.js';
import { bpmnXml, script, type FlowSpec, type NodeSpec } from '../test/support/bpmn.js';

const N = Number(process.env.BENCH_N ?? 20);
const WARM_UP = 2;
const CHAIN = 20;
const TARGET = 1.15;
const dockerHost = process.env.DOCKER_HOST;

const docker = new Docker(engineAddress(dockerHost).options);
const repoDir = mkdtempSync(join(tmpdir(), 'pipelane-bench-repo-'));
const dataDir = mkdtempSync(join(tmpdir(), 'pipelane-bench-data-'));

/** start → t1 → … → tn → end, each a bash script task doing nothing. */
function chainModel(processId: string, tasks: number): string {
  const ids = Array.from({ length: tasks }, (_, i) => `t${i + 1}`);
  const nodes: NodeSpec[] = [{ id: 'start', tag: 'startEvent' }, ...ids.map((id) => script(id, 'bash', 'true')), { id: 'end', tag: 'endEvent' }];
  const order = ['start', ...ids, 'end'];
  const flows: FlowSpec[] = order.slice(1).map((to, i) => [order[i]!, to]);
  return bpmnXml(processId, nodes, flows);
}

writeFileSync(join(repoDir, 'one.bpmn'), chainModel('one', 1));
writeFileSync(join(repoDir, 'chain.bpmn'), chainModel('chain', CHAIN));
const runtime = openRuntime(loadConfig({ dataDir, concurrency: 4 }, { PATH: process.env.PATH ?? '' }));
for (const file of ['one.bpmn', 'chain.bpmn']) deployModelFile(runtime.store, repoDir, await loadModelFile(repoDir, file), Date.now());

/** Resolves with the first activity of the instance that `until` accepts. */
function next(instanceId: () => string, until: (a: RuntimeActivity) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const off = runtime.onActivity((a) => {
      if (a.instanceId !== instanceId() || !until(a)) return;
      off();
      resolve(performance.now());
    });
  });
}

async function floor(): Promise<number> {
  const started = performance.now();
  const container = await docker.createContainer({ Image: DEFAULT_IMAGE, Cmd: ['bash', '-c', 'true'], HostConfig: { NetworkMode: 'none' } });
  await container.start();
  await container.wait();
  await container.remove({ force: true });
  return performance.now() - started;
}

/** One task: the instance started (its start step commits the runJob) → outcome committed, and → container released. */
async function oneTask(): Promise<{ stored: number; released: number }> {
  let id = '';
  const stored = next(() => id, (a) => a.kind === 'jobOutcomeStored');
  const ended = next(() => id, (a) => a.kind === 'instanceEnded');
  const started = performance.now();
  id = runtime.start({ processId: 'one', variables: {}, actor: 'bench' });
  const storedAt = await stored;
  await ended;
  await runtime.jobs.settled();
  const releasedAt = performance.now();
  const status = runtime.store.getInstance(id)?.status;
  if (status !== 'completed') throw new Error(`the trivial task did not complete: ${status}`);
  return { stored: storedAt - started, released: releasedAt - started };
}

async function chain(): Promise<number> {
  let id = '';
  const ended = next(() => id, (a) => a.kind === 'instanceEnded');
  const started = performance.now();
  id = runtime.start({ processId: 'chain', variables: {}, actor: 'bench' });
  const endedAt = await ended;
  if (runtime.store.getInstance(id)?.status !== 'completed') throw new Error('the chain did not complete');
  return endedAt - started;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x: number) => `${x.toFixed(1)} ms`;

try {
  for (let i = 0; i < WARM_UP; i++) {
    await floor();
    await oneTask();
  }
  const floors: number[] = [];
  const stored: number[] = [];
  const released: number[] = [];
  for (let i = 0; i < N; i++) {
    // Alternate which goes first, so neither always runs on a machine the other just warmed.
    const run = async () => {
      const t = await oneTask();
      stored.push(t.stored);
      released.push(t.released);
    };
    if (i % 2 === 0) {
      floors.push(await floor());
      await run();
    } else {
      await run();
      floors.push(await floor());
    }
  }
  const chainMs = await chain();
  const floorChainStarted = performance.now();
  for (let i = 0; i < CHAIN; i++) await floor();
  const floorChain = performance.now() - floorChainStarted;

  const ratio = median(stored) / median(floors);
  console.log(`docker bench: image ${DEFAULT_IMAGE}, command "bash true", network none, N=${N} interleaved (+${WARM_UP} warm-up)`);
  console.log(`  floor    create, start, wait, remove          median ${ms(median(floors))}  mean ${ms(mean(floors))}`);
  console.log(`  pipelane start → outcome committed           median ${ms(median(stored))}  mean ${ms(mean(stored))}`);
  console.log(`  pipelane start → container released          median ${ms(median(released))}  mean ${ms(mean(released))}`);
  console.log(`  ratio pipelane (committed) / floor           median ${ratio.toFixed(3)}`);
  console.log(`  ratio pipelane (released) / floor            median ${(median(released) / median(floors)).toFixed(3)}`);
  console.log(`  process of ${CHAIN} script tasks, start to end   ${ms(chainMs)} total, ${ms(chainMs / CHAIN)} per task`);
  console.log(`  ${CHAIN} containers back to back on the floor    ${ms(floorChain)} total, ${ms(floorChain / CHAIN)} per task`);
  console.log(`  ratio of the chains                          ${(chainMs / floorChain).toFixed(3)}`);
  console.log(`  ${ratio <= TARGET ? 'within' : 'OVER'} the target of ${TARGET} × floor (median, committed)`);
} finally {
  runtime.stop();
  await runtime.jobs.settled();
  runtime.store.close();
  rmSync(repoDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
